import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { interpolate } from '../support/containers';
import { ROOT } from './support/manifests';
import { SECRET_NAME, URL_WITH_PASSWORD } from './support/secrets';

/**
 * docker-compose.yml, read statically: each service connects to PostgreSQL as its own role, Redis
 * requires a password that every client URL carries, and every secret comes from a file that
 * scripts/generate-secrets.sh makes and git never sees.
 */

interface ComposeService {
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  secrets?: (string | { source: string; target?: string })[];
  healthcheck?: { test: string[] | string };
  volumes?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = interpolate(load(composeText, { schema: YAML11_SCHEMA }) as ComposeFile, {}).value;
const APPS = { user: 'users', order: 'orders', payment: 'payments' } as const;
type App = keyof typeof APPS;

const environmentOf = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(compose.services[name].environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]));
const secretsOf = (name: string) => (compose.services[name].secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));
/** Where compose mounts a service's secret: /run/secrets/<name> unless a target says otherwise. */
const mountedSecret = (service: string, path: string): string | undefined => {
  for (const secret of compose.services[service].secrets ?? []) {
    const [source, target] = typeof secret === 'string' ? [secret, secret] : [secret.source, secret.target ?? secret.source];
    if ((target.startsWith('/') ? target : `/run/secrets/${target}`) === path) return source;
  }
  return undefined;
};
const commandText = (command: string[] | string | undefined) => (Array.isArray(command) ? command.join(' ') : (command ?? ''));

/** The values scripts/generate-secrets.sh writes, made in a directory of their own. */
function generated(): { dir: string; files: Record<string, string> } {
  const dir = join(mkdtempSync(join(tmpdir(), 'compose-secrets-')), 'secrets');
  execFileSync('sh', [join(ROOT, 'scripts', 'generate-secrets.sh'), dir], { encoding: 'utf8' });
  return { dir, files: Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')])) };
}

describe('docker-compose.yml: PostgreSQL roles', () => {
  it.each(Object.keys(APPS) as App[])('gives %s its DATABASE_URL only as a file, from a compose secret of its own', (app) => {
    const env = environmentOf(app);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(mountedSecret(app, env.DATABASE_URL_FILE)).toBe(`${app}_database_url`);
    const others = (Object.keys(APPS) as App[]).filter((other) => other !== app).map((other) => `${other}_database_url`);
    expect(secretsOf(app).filter((secret) => others.includes(secret) || secret === 'postgres_password')).toEqual([]);
  });

  it('connects each service as its own role, never the superuser, to its own database', () => {
    const { dir, files } = generated();
    try {
      const urls = (Object.keys(APPS) as App[]).map((app) => new URL(files[`${app}_database_url`]));
      expect(urls.map((url) => `${url.username}@${url.host}${url.pathname}`)).toEqual([
        'user_service@postgres:5432/users',
        'order_service@postgres:5432/orders',
        'payment_service@postgres:5432/payments',
      ]);
      const superuser = environmentOf('postgres').POSTGRES_USER;
      for (const url of urls) {
        expect(url.username).not.toBe(superuser);
        expect(url.password).toMatch(/^[0-9a-f]{48}$/);
      }
      expect(new Set(urls.map((url) => url.password)).size).toBe(urls.length);
      expect(urls.map((url) => url.password)).not.toContain(files.postgres_password);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it("creates the roles at the database's first start, from the same URL files the services read", () => {
    const postgres = compose.services.postgres;
    const env = environmentOf('postgres');
    expect(env.POSTGRES_PASSWORD).toBeUndefined();
    expect(mountedSecret('postgres', env.POSTGRES_PASSWORD_FILE)).toBe('postgres_password');
    expect(postgres.volumes).toContain('./docker/postgres/init-databases.sh:/docker-entrypoint-initdb.d/10-init-databases.sh:ro');
    expect(postgres.volumes).toContain(`./docker/postgres/service-database.sql:${env.SERVICE_DATABASE_SQL}:ro`);
    const init = readFileSync(join(ROOT, 'docker', 'postgres', 'init-databases.sh'), 'utf8');
    const defaults = /\$\{SERVICE_DATABASE_URL_FILES:-([^}]+)\}/.exec(init)?.[1].split(' ') ?? [];
    expect(defaults).toEqual((Object.keys(APPS) as App[]).map((app) => `/run/secrets/${app}_database_url`));
    for (const file of defaults) expect(mountedSecret('postgres', file)).toBe(file.split('/').pop());
  });
});

describe('docker-compose.yml: Redis', () => {
  it('starts Redis with a password read from its secret file, and checks its health with it', () => {
    const redis = compose.services.redis;
    expect(commandText(redis.command)).toMatch(/redis-server .*--requirepass "\$\(cat \/run\/secrets\/redis_password\)"/);
    expect(mountedSecret('redis', '/run/secrets/redis_password')).toBe('redis_password');
    expect(commandText(redis.healthcheck?.test)).toContain('REDISCLI_AUTH="$(cat /run/secrets/redis_password)"');
  });

  it('gives every Redis client a URL that carries that password, and only the user service one', () => {
    const clients = Object.keys(compose.services).filter((name) => Object.keys(environmentOf(name)).some((key) => key.startsWith('REDIS_URL')));
    expect(clients).toEqual(['user']);
    expect(environmentOf('user').REDIS_URL).toBeUndefined();
    expect(mountedSecret('user', environmentOf('user').REDIS_URL_FILE)).toBe('redis_url');
    const { dir, files } = generated();
    try {
      const url = new URL(files.redis_url);
      expect(url.host).toBe('redis:6379');
      expect(url.password).toBe(files.redis_password);
      expect(url.password).toMatch(/^[0-9a-f]{48}$/);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});

describe('docker-compose.yml: secrets from files', () => {
  it('takes every compose secret from a file under ./secrets, which git ignores and no image receives', () => {
    const secrets = Object.entries(compose.secrets ?? {});
    expect(secrets.length).toBeGreaterThan(0);
    for (const [name, source] of secrets) expect(source).toEqual({ file: `./secrets/${name}` });
    execFileSync('git', ['check-ignore', '-q', 'secrets/jwt_secret'], { cwd: ROOT });
    const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
    expect(dockerignore.split('\n')[dockerignore.split('\n').findIndex((line) => !line.startsWith('#') && line.trim())]).toBe('*');
    expect(dockerignore).not.toMatch(/^!\s*\/?secrets/m);
  });

  it('mounts every secret a service names, and names every secret it mounts', () => {
    const declared = Object.keys(compose.secrets ?? {});
    const used = new Set(Object.keys(compose.services).flatMap(secretsOf));
    expect([...used].filter((name) => !declared.includes(name))).toEqual([]);
    expect(declared.filter((name) => !used.has(name))).toEqual([]);
    for (const name of Object.keys(compose.services)) {
      for (const [key, value] of Object.entries(environmentOf(name)).filter(([key]) => /_FILE$/.test(key))) {
        expect(`${name} ${key}: ${mountedSecret(name, value) ?? 'not a mounted secret'}`).not.toMatch(/not a mounted secret$/);
      }
    }
  });

  /** The one exception: the optional first admin's password, from .env when someone sets it. */
  const FROM_ENV = ['ADMIN_PASSWORD'];

  it('sets no secret as a literal or from .env: every secret variable is a *_FILE path or a file path', () => {
    const literal = Object.keys(compose.services).flatMap((name) =>
      Object.entries(environmentOf(name))
        .filter(([key, value]) => (SECRET_NAME.test(key) && !FROM_ENV.includes(key) && !/^\/[\w./-]+$/.test(value)) || URL_WITH_PASSWORD.test(value))
        .map(([key]) => `${name}: ${key}`),
    );
    expect(literal).toEqual([]);
    expect(composeText).not.toMatch(URL_WITH_PASSWORD);
    const bare = interpolate(load(composeText, { schema: YAML11_SCHEMA }) as ComposeFile, {});
    expect([...bare.variables].filter((name) => SECRET_NAME.test(name) && !FROM_ENV.includes(name))).toEqual([]);
  });
});

describe('scripts/generate-secrets.sh', () => {
  it('writes every compose secret, random each time, in a private directory, and keeps what exists', () => {
    const first = generated();
    const second = generated();
    try {
      expect(Object.keys(first.files).sort()).toEqual(Object.keys(compose.secrets ?? {}).sort());
      for (const name of Object.keys(first.files)) expect(first.files[name]).not.toBe(second.files[name]);
      expect(statSync(first.dir).mode & 0o777).toBe(0o700);
      for (const name of Object.keys(first.files)) expect(statSync(join(first.dir, name)).mode & 0o777).toBe(0o644);
      expect(Buffer.from(first.files.jwt_secret, 'base64').length).toBeGreaterThanOrEqual(32);
      const again = execFileSync('sh', [join(ROOT, 'scripts', 'generate-secrets.sh'), first.dir], { encoding: 'utf8' });
      expect(again).not.toContain('wrote');
      expect(Object.fromEntries(readdirSync(first.dir).map((name) => [name, readFileSync(join(first.dir, name), 'utf8')]))).toEqual(first.files);
    } finally {
      for (const { dir } of [first, second]) rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
