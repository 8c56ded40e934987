/** Where the e2e suites find their real dependencies; CI starts both before running them. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';
export const TEST_JWT_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';
