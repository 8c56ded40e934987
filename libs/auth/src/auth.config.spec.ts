import { authConfig, DEVELOPMENT_JWT_SECRET, durationToSeconds, EXAMPLE_JWT_SECRET } from './auth.config';

function withEnv<T>(env: Record<string, string | undefined>, read: () => T): T {
  const saved = { ...process.env };
  for (const key of ['NODE_ENV', 'JWT_SECRET', 'JWT_EXPIRES_IN']) delete process.env[key];
  Object.assign(process.env, env);
  try {
    return read();
  } finally {
    process.env = saved;
  }
}

describe('authConfig', () => {
  it('defaults to a development secret and 30 minutes outside production', () => {
    expect(withEnv({ NODE_ENV: 'development' }, () => authConfig())).toEqual({ secret: DEVELOPMENT_JWT_SECRET, expiresInSeconds: 1800, usesDevelopmentSecret: true });
  });

  it.each([
    ['missing', undefined],
    ['short', 'short-secret'],
    ['the example value', EXAMPLE_JWT_SECRET],
    ['the development value', DEVELOPMENT_JWT_SECRET],
  ])('refuses a %s secret in production', (_name, secret) => {
    expect(() => withEnv({ NODE_ENV: 'production', JWT_SECRET: secret }, () => authConfig())).toThrow(/JWT_SECRET/);
  });

  it('accepts a long random secret in production', () => {
    const secret = 'k'.repeat(48);
    expect(withEnv({ NODE_ENV: 'production', JWT_SECRET: secret, JWT_EXPIRES_IN: '2h' }, () => authConfig())).toMatchObject({ secret, expiresInSeconds: 7200 });
  });

  it.each([
    ['90', 90],
    ['30m', 1800],
    ['12h', 43200],
    ['7d', 604800],
  ])('reads the duration %s as %i seconds', (value, seconds) => {
    expect(durationToSeconds(value)).toBe(seconds);
  });

  it('rejects a malformed JWT_EXPIRES_IN', () => {
    expect(() => withEnv({ JWT_EXPIRES_IN: 'soon' }, () => authConfig())).toThrow(/JWT_EXPIRES_IN must be a number of seconds or a duration/);
  });
});
