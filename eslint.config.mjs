// @ts-check
// What `nest new` scaffolds (ESLint's and typescript-eslint's type-checked recommended rules,
// prettier as an ESLint rule), widened to the monorepo's apps, libs, tests, scripts and benchmark.
// Where this differs from the scaffold, the reason is written next to it.
import eslint from '@eslint/js';
import eslintPluginPrettierRecommended from 'eslint-plugin-prettier/recommended';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TESTS = ['test/**', 'apps/*/test/**', 'libs/*/test/**', '**/*.spec.ts'];

export default defineConfig(
  {
    // libs/contracts/src/generated is written by openapi-typescript (`npm run openapi:write`).
    ignores: ['eslint.config.mjs', 'dist/**', 'coverage/**', 'test-artifacts/**', '.run/**', '.data/**', 'libs/contracts/src/generated/**'],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  eslintPluginPrettierRecommended,
  {
    languageOptions: {
      globals: globals.node,
      sourceType: 'commonjs',
      parserOptions: {
        // scripts/ and bench/ have a tsconfig.json of their own (allowJs); these few other JS files use the default project.
        projectService: { allowDefaultProject: ['test/deploy/support/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    rules: {
      // The scaffold turns no-explicit-any off and makes the next two warnings. A warning that CI
      // never fails on is a rule nobody keeps: all three are errors.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      // Off. Each async function without an await it found when it came in is meant so: an async
      // interface implemented synchronously (the in-memory session store and login attempts, a
      // Redis client's close()), a callback handed to an API that takes async ones (a Fastify
      // handler, eventually(), test doubles), or a throw turned into a rejection. Rewriting them
      // with Promise.resolve() reads worse and finds nothing: a forgotten await is what
      // no-floating-promises and no-misused-promises catch.
      '@typescript-eslint/require-await': 'off',
      // `const { secret: _, ...rest } = env` names a key only to leave it out of rest.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      'prettier/prettier': ['error', { endOfLine: 'auto' }],
    },
  },
  {
    files: TESTS,
    languageOptions: { globals: globals.jest },
    rules: {
      // Tests read responses through supertest, fetch and JSON.parse, whose bodies are `any` by
      // design; the assertions on them are the type check. Typing every body would double the
      // assertions without finding anything they do not.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module' },
  },
  {
    files: ['**/*.{js,mjs}'],
    rules: {
      // Scripts that node runs as they are: in CommonJS, require() is the module system.
      '@typescript-eslint/no-require-imports': 'off',
      // JavaScript has no annotations to narrow an `any` (JSON.parse, untyped packages) with; only
      // JSDoc casts on every use would satisfy these. The other type-aware rules stay on.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Destructuring require('node:path') and passing ts.sys.readFile, which @types/node and
      // typescript declare as interface methods although they never use `this`. TypeScript files
      // import them instead, which the rule does not look at, so it stays on there.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
