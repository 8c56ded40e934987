import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { authConfig, durationToSeconds } from './auth.config';
import { EXAMPLE_JWT_SECRET, FORMER_DEVELOPMENT_JWT_SECRET, PUBLISHED_JWT_SECRETS } from './published-secrets';

function withEnv<T>(env: Record<string, string | undefined>, read: () => T): T {
  const saved = { ...process.env };
  for (const key of ['NODE_ENV', 'JWT_SECRET', 'JWT_SECRET_FILE', 'JWT_EXPIRES_IN']) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
  try {
    return read();
  } finally {
    process.env = saved;
  }
}

const randomSecret = () => randomBytes(36).toString('base64');
const MODES = [undefined, 'development', 'test', 'production'];

describe('authConfig', () => {
  it('lets a .env copied unchanged from .env.example start: it sets no JWT_SECRET the services refuse', () => {
    const example = parseEnv(readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8'));
    const secret = example.JWT_SECRET;
    expect(secret === undefined || !PUBLISHED_JWT_SECRETS.includes(secret)).toBe(true);
    expect(example.JWT_SECRET_FILE).toBeUndefined();
  });

  it.each(MODES)('refuses to start without JWT_SECRET (NODE_ENV %s), saying how to set one', (mode) => {
    expect(() => withEnv({ NODE_ENV: mode }, () => authConfig())).toThrow(/JWT_SECRET must be set in every mode .*JWT_SECRET_FILE.*openssl rand/);
  });

  it.each(MODES.flatMap((mode) => PUBLISHED_JWT_SECRETS.map((secret) => [mode, secret])))(
    'refuses with NODE_ENV %s the secret %s published in the repository, without repeating it',
    (mode, secret) => {
      let message = '';
      try {
        withEnv({ NODE_ENV: mode, JWT_SECRET: secret }, () => authConfig());
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/JWT_SECRET is a value published in this repository/);
      expect(message).not.toContain(secret);
    },
  );

  it('refuses the .env.example value and the former development default even when read from JWT_SECRET_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-config-'));
    try {
      for (const secret of [EXAMPLE_JWT_SECRET, FORMER_DEVELOPMENT_JWT_SECRET]) {
        writeFileSync(join(dir, 'secret'), `${secret}\n`);
        expect(() => withEnv({ JWT_SECRET_FILE: join(dir, 'secret') }, () => authConfig())).toThrow(/published in this repository/);
      }
      const secret = randomSecret();
      writeFileSync(join(dir, 'secret'), `${secret}\n`);
      expect(withEnv({ NODE_ENV: 'production', JWT_SECRET_FILE: join(dir, 'secret') }, () => authConfig()).secret).toBe(secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a secret shorter than 32 bytes in production, counting bytes rather than characters', () => {
    const [ascii31, accented15, accented16] = ['k'.repeat(31), 'é'.repeat(15), 'é'.repeat(16)];
    expect(() => withEnv({ NODE_ENV: 'production', JWT_SECRET: ascii31 }, () => authConfig())).toThrow(/at least 32 bytes in production \(it has 31\)/);
    expect(() => withEnv({ NODE_ENV: 'production', JWT_SECRET: accented15 }, () => authConfig())).toThrow(/it has 30/);
    expect(withEnv({ NODE_ENV: 'production', JWT_SECRET: accented16 }, () => authConfig()).secret).toBe(accented16);
  });

  it('accepts a short unpublished secret outside production', () => {
    const short = randomBytes(6).toString('hex');
    expect(withEnv({ NODE_ENV: 'development', JWT_SECRET: short }, () => authConfig())).toEqual({ secret: short, expiresInSeconds: 1800 });
  });

  it('accepts a long random secret in production', () => {
    const secret = randomSecret();
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
    expect(() => withEnv({ JWT_SECRET: randomSecret(), JWT_EXPIRES_IN: 'soon' }, () => authConfig())).toThrow(
      /JWT_EXPIRES_IN must be a number of seconds or a duration/,
    );
  });
});
