// Nest 12 ships ES modules; swc compiles them and our TypeScript to CommonJS for jest's module loader.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [],
  moduleNameMapper: {
    '^@app/(auth|db|metrics|bootstrap|config|errors|http|openapi|service-client|money|tracing|contracts)$': '<rootDir>/libs/$1/src',
    '^@app/(auth|db|metrics|bootstrap|config|errors|http|openapi|service-client|money|tracing|contracts)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs}/*/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      // The same suites on the embedded default: PGlite inside each service, as `npm start` runs it.
      ...shared,
      displayName: 'e2e-embedded',
      testMatch: ['<rootDir>/{apps,libs}/*/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFiles: ['<rootDir>/test/support/embedded-database-run.ts'],
    },
    {
      ...shared,
      displayName: 'system',
      testMatch: ['<rootDir>/test/system/**/*.system-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    { ...shared, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.deploy-spec.ts'] },
  ],
};
