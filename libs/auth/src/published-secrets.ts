/**
 * Every JWT secret ever written in this repository (the example configuration, former defaults,
 * test values): anyone who has read the repository can sign tokens with them, so no service
 * accepts one, in any mode. A test scans the repository for values given to JWT_SECRET and
 * fails on any that is missing here.
 */
export const PUBLISHED_JWT_SECRETS: readonly string[] = [
  // .env.example, until it left JWT_SECRET unset
  'change-me-to-a-random-string-of-at-least-32-characters',
  // The services' former fallback when NODE_ENV was not production.
  'development-only-secret-do-not-use-in-production!',
  // Former fixed test values (test/support/environment.ts, test/system/runner.system-spec.ts, startup tests).
  'e2e-test-secret-that-is-long-enough-0123456789',
  'runner-test-secret-that-is-long-enough-0123456789',
  'another-secret-that-is-also-long-enough-42',
  'too-short',
  'short-secret',
  // test/deploy: a literal secret in a Deployment, which the checks must notice.
  'a-published-secret',
];

/** The value `.env.example` shipped with, which made a .env copied unchanged refuse to start (it now leaves JWT_SECRET unset). */
export const EXAMPLE_JWT_SECRET = PUBLISHED_JWT_SECRETS[0];
/** What the services used to fall back to without JWT_SECRET: kept to prove it is refused. */
export const FORMER_DEVELOPMENT_JWT_SECRET = PUBLISHED_JWT_SECRETS[1];
