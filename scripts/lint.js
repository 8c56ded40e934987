#!/usr/bin/env node
// `npm run lint`, the first step of `npm test`. Three checks, each run even when another fails:
//  - ESLint (eslint.config.mjs) on apps, libs, scripts, test and bench, prettier's formatting
//    included, with no finding suppressed. Arguments go to ESLint (`npm run lint -- --fix`).
//  - prettier --check on every source of those folders, files ESLint does not lint included.
//  - dependency-cruiser (.dependency-cruiser.cjs): apps never import apps, libs never import apps,
//    no cycles, tests reach a lib through its public entry only.
'use strict';
const { spawnSync } = require('node:child_process');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const SOURCES = ['apps', 'libs', 'scripts', 'test', 'bench'];
const bin = (pkg, file) => join(ROOT, 'node_modules', pkg, file);

function run(name, args) {
  const started = process.hrtime.bigint();
  const status = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' }).status ?? 1;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`lint: ${name} ${status === 0 ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s\n`);
  return status === 0;
}

/** Every TypeScript and JavaScript source, so that a fresh clone (CI) checks the whole tree, not a diff. */
function prettierOnAllSources() {
  const patterns = SOURCES.flatMap((dir) => [`${dir}/**/*.ts`, `${dir}/**/*.js`, `${dir}/**/*.mjs`, `${dir}/**/*.cjs`]);
  return run('prettier', [bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level', 'warn', '--no-error-on-unmatched-pattern', ...patterns]);
}

const results = [
  run('eslint', [bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', ...SOURCES, ...process.argv.slice(2)]),
  prettierOnAllSources(),
  // The same as `npm run depcruise`.
  run('dependency-cruiser', [bin('dependency-cruiser', 'bin/dependency-cruiser.mjs'), '--config', '.dependency-cruiser.cjs', ...SOURCES]),
];
process.exitCode = results.every(Boolean) ? 0 : 1;
