import { EXAMPLE_JWT_SECRET, FORMER_DEVELOPMENT_JWT_SECRET } from '@app/auth';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../../test/support/eventually';
import { seriesValue } from '../../../test/support/prometheus-text';
import { spawnService } from '../../../test/support/spawned-service';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';

describe('user service process: configuration checks and graceful shutdown', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('user');
  });

  afterAll(async () => {
    await db?.drop();
  });

  const productionSecret = randomBytes(36).toString('base64');
  it.each([
    ['JWT_SECRET missing in production', { NODE_ENV: 'production', JWT_SECRET: '' }, /JWT_SECRET must be set in every mode/],
    ['JWT_SECRET missing in development', { NODE_ENV: 'development', JWT_SECRET: '' }, /JWT_SECRET must be set in every mode .*npm start generates one/],
    ['JWT_SECRET missing with NODE_ENV unset', { NODE_ENV: '', JWT_SECRET: '' }, /JWT_SECRET must be set in every mode/],
    [
      'a JWT_SECRET of 31 bytes in production',
      { NODE_ENV: 'production', JWT_SECRET: randomBytes(31).toString('hex').slice(0, 31) },
      /JWT_SECRET must be at least 32 bytes in production \(it has 31\)/,
    ],
    [
      'the .env.example JWT_SECRET in production',
      { NODE_ENV: 'production', JWT_SECRET: EXAMPLE_JWT_SECRET },
      /JWT_SECRET is a value published in this repository/,
    ],
    [
      'the .env.example JWT_SECRET in development',
      { NODE_ENV: 'development', JWT_SECRET: EXAMPLE_JWT_SECRET },
      /JWT_SECRET is a value published in this repository/,
    ],
    [
      'the former development JWT_SECRET with NODE_ENV unset',
      { NODE_ENV: '', JWT_SECRET: FORMER_DEVELOPMENT_JWT_SECRET },
      /JWT_SECRET is a value published in this repository/,
    ],
    [
      'a BCRYPT_COST of 9 in production',
      { NODE_ENV: 'production', JWT_SECRET: productionSecret, BCRYPT_COST: '9' },
      /BCRYPT_COST must be at least 10 in production \(got 9\)/,
    ],
    [
      'a DATABASE_URL that is not a postgres URL, without printing its password',
      { DATABASE_URL: 'mysql://app:hunter2-pw@db:3306/app' },
      /DATABASE_URL must be a postgres:\/\/.*\(got "mysql:\/\/app:\*\*\*@db:3306\/app"\)/,
    ],
    [
      'a REDIS_URL that is not a redis URL, without printing its password',
      { REDIS_URL: 'http://default:hunter2-pw@cache:6379' },
      /REDIS_URL must be a redis:\/\/.*\(got "http:\/\/default:\*\*\*@cache:6379"\)/,
    ],
    ['a PORT that is not a number', { PORT: 'eighty' }, /PORT must be an integer between 0 and 65535 \(got "eighty"\)/],
    ['a DATABASE_URL that is not a postgres URL', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\//],
    ['a BCRYPT_COST out of range', { BCRYPT_COST: '40' }, /BCRYPT_COST must be an integer between 4 and 15/],
    ['a LOGIN_MAX_FAILURES of 0', { LOGIN_MAX_FAILURES: '0' }, /LOGIN_MAX_FAILURES must be an integer between 1 and 1000/],
    [
      'a LOGIN_LOCKOUT_MAX_SECONDS below LOGIN_LOCKOUT_SECONDS',
      { LOGIN_LOCKOUT_SECONDS: '600', LOGIN_LOCKOUT_MAX_SECONDS: '60' },
      /LOGIN_LOCKOUT_MAX_SECONDS must be at least LOGIN_LOCKOUT_SECONDS/,
    ],
    [
      'a PASSWORD_HASH_QUEUE_LIMIT that is not a number',
      { PASSWORD_HASH_QUEUE_LIMIT: 'many' },
      /PASSWORD_HASH_QUEUE_LIMIT must be an integer between 0 and 100000/,
    ],
  ])('refuses to start with %s, in one clear line', async (_case, env, message) => {
    const service = await spawnService('user', { ...db.env, ...env, PORT: (env as Record<string, string>).PORT ?? '0' }, { waitReady: false });
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    for (const secret of [EXAMPLE_JWT_SECRET, FORMER_DEVELOPMENT_JWT_SECRET, 'hunter2', productionSecret]) expect(lines[0]).not.toContain(secret);
  });

  it('reads JWT_SECRET from the file JWT_SECRET_FILE names, and refuses a published one there too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwt-secret-file-'));
    try {
      writeFileSync(join(dir, 'jwt'), `${EXAMPLE_JWT_SECRET}\n`, { mode: 0o600 });
      const refused = await spawnService('user', { ...db.env, JWT_SECRET: '', JWT_SECRET_FILE: join(dir, 'jwt'), PORT: '0' }, { waitReady: false });
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toMatch(/JWT_SECRET is a value published in this repository/);
      writeFileSync(join(dir, 'jwt'), `${randomBytes(36).toString('base64')}\n`, { mode: 0o600 });
      const service = await spawnService('user', { ...db.env, NODE_ENV: 'production', JWT_SECRET: '', JWT_SECRET_FILE: join(dir, 'jwt') });
      expect(await service.stop()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs each request once, with its id, method, path, route, status and duration but no secret, and writes every line before it exits', async () => {
    const service = await spawnService('user', { ...db.env, NODE_ENV: 'production', LOG_LEVEL: 'info', JWT_SECRET: productionSecret });
    const send = (id: string, path: string, init: RequestInit = {}) =>
      fetch(`${service.url}${path}`, { ...init, headers: { 'x-request-id': id, 'content-type': 'application/json', ...init.headers } }).then((r) => r.status);
    const statuses = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => send(`access-live-${i}`, '/users/health/live?probe=1')),
      send('access-login', '/users/login', { method: 'POST', body: JSON.stringify({ username: 'nobody', password: 'hunter2-secret-pass' }) }),
      send('access-me', '/users/me', { headers: { authorization: 'Bearer secret-token-xyz' } }),
      send('access-unknown', '/no-such-service/anything'),
    ]);
    expect(statuses.slice(-3)).toEqual([401, 401, 404]);
    // Stopped at once: the lines still buffered must be written on the way out.
    expect(await service.stop('SIGTERM')).toBe(0);
    const output = service.output();
    for (const secret of ['hunter2-secret-pass', 'secret-token-xyz', productionSecret]) expect(output).not.toContain(secret);
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const accessLines = (id: string) => lines.filter((line) => line.requestId === id);
    for (let i = 0; i < 40; i++) {
      expect(accessLines(`access-live-${i}`)).toEqual([
        expect.objectContaining({
          level: 30,
          service: 'user',
          req: { id: `access-live-${i}`, method: 'GET', url: '/users/health/live' },
          res: { statusCode: 200 },
          route: '/users/health/live',
          responseTime: expect.any(Number),
          msg: expect.stringMatching(/^GET \/users\/health\/live 200 \d+ms$/),
        }),
      ]);
    }
    expect(accessLines('access-login')).toEqual([
      expect.objectContaining({ req: expect.objectContaining({ method: 'POST', url: '/users/login' }), res: { statusCode: 401 } }),
    ]);
    expect(accessLines('access-me')).toEqual([expect.objectContaining({ route: '/users/me', res: { statusCode: 401 } })]);
    expect(accessLines('access-unknown')).toEqual([expect.objectContaining({ route: 'unmatched', res: { statusCode: 404 } })]);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'SIGTERM received: draining and shutting down' }));
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const service = await spawnService('user', { ...db.env, BCRYPT_COST: '12' });
    // A registration at cost 12 takes a few hundred milliseconds: long enough to be in flight.
    const inFlight = fetch(`${service.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'inflight@example.com', username: 'inflight', password: 'correct-horse-battery' }),
    });
    // In flight: its password is being hashed when the signal comes.
    const hashing = async () => seriesValue(await (await fetch(`${service.url}/metrics`)).text(), 'password_hash_running');
    await eventually(hashing, (running) => running === 1, { what: 'the registration hashing its password' });
    const code = service.stop('SIGTERM');
    expect((await inFlight).status).toBe(201);
    expect(await code).toBe(0);
    // The service has stopped: its database can be opened here, embedded or not.
    await db.open();
    const rows = await db.query('SELECT username FROM users WHERE email = $1', ['inflight@example.com']);
    expect(rows).toHaveLength(1);
  });
});
