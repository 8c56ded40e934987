import { randomBytes } from 'node:crypto';

/** Where the e2e suites find their real dependencies; CI starts both before running them. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';
/**
 * New for every test file: a fixed value written here would be published, and so refused by the
 * services (libs/auth/src/published-secrets.ts).
 */
export const TEST_JWT_SECRET = randomBytes(36).toString('base64url');

/**
 * The catalog every suite's order service starts with (CATALOG_SEED_FILE): the products the suites
 * order, with stock for every run; `Coffee mug` keeps the demo's five units, for stock-out tests.
 */
export const TEST_CATALOG_FILE = `${__dirname}/catalog/test-catalog.json`;
