import { EXAMPLE_JWT_SECRET } from '@app/auth';
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

  it.each([
    ['JWT_SECRET missing in production', { NODE_ENV: 'production', JWT_SECRET: '' }, /JWT_SECRET must be set in production/],
    ['a short JWT_SECRET in production', { NODE_ENV: 'production', JWT_SECRET: 'too-short' }, /JWT_SECRET must be a random string of at least 32 characters/],
    ['the example JWT_SECRET in production', { NODE_ENV: 'production', JWT_SECRET: EXAMPLE_JWT_SECRET }, /JWT_SECRET .*not the example value/],
    ['a PORT that is not a number', { PORT: 'eighty' }, /PORT must be an integer between 0 and 65535 \(got "eighty"\)/],
    ['a DATABASE_URL that is not a postgres URL', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\//],
    ['a BCRYPT_COST out of range', { BCRYPT_COST: '40' }, /BCRYPT_COST must be an integer between 4 and 15/],
  ])('refuses to start with %s, in one clear line', async (_case, env, message) => {
    const service = await spawnService('user', { ...db.env, ...env, PORT: (env as Record<string, string>).PORT ?? '0' }, { waitReady: false });
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).not.toContain(EXAMPLE_JWT_SECRET);
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const service = await spawnService('user', { ...db.env, BCRYPT_COST: '12' });
    // A registration at cost 12 takes a few hundred milliseconds: long enough to be in flight.
    const inFlight = fetch(`${service.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'inflight@example.com', username: 'inflight', password: 'correct-horse-battery' }),
    });
    await new Promise((r) => setTimeout(r, 50));
    const code = service.stop('SIGTERM');
    expect((await inFlight).status).toBe(201);
    expect(await code).toBe(0);
    // The service has stopped: its database can be opened here, embedded or not.
    await db.open();
    const rows = await db.query('SELECT username FROM users WHERE email = $1', ['inflight@example.com']);
    expect(rows).toHaveLength(1);
  });
});
