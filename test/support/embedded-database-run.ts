// The e2e-embedded project: the same suites, each service on the embedded database (see test-database.ts).
process.env.E2E_DATABASE = 'embedded';
