import { request as httpRequest } from 'node:http';
import { uniqueName } from '../../../test/support/accounts';
import { eventually } from '../../../test/support/eventually';
import { seriesValue } from '../../../test/support/prometheus-text';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

describe('user service: the password-hashing queue drops the work of a client that has gone', () => {
  let db: TestDatabase;
  let svc: ServiceUnderTest | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('user');
  });

  afterAll(async () => {
    await svc?.close();
    await db?.drop();
  });

  const metric = async (name: string, labels: Record<string, string> = {}) => seriesValue((await svc!.http.get('/metrics').expect(200)).text, name, labels);
  const registration = (username: string) => JSON.stringify({ email: `${username}@example.com`, username, password: 'correct-horse-battery' });

  it('does not hash for a client that closed its connection while queued, and still answers the one ahead of it', async () => {
    // In process (the suites' PASSWORD_HASH_THREADS=0) one hash runs at a time. Each step waits for
    // what the service reports, never for a length of time: the first hash is running before the
    // second request is sent, the second is queued before its client goes. Cost 15 (seconds of work)
    // only keeps the first hash running while the test's requests travel.
    svc = await startService(UserAppModule, userService, { ...db.env, BCRYPT_COST: '15', PASSWORD_HASH_QUEUE_LIMIT: '10', PASSWORD_HASH_MAX_WAIT_MS: '60000' });
    const first = svc.http
      .post('/users')
      .set('content-type', 'application/json')
      .send(registration(uniqueName('first')))
      .then((r) => r.status);
    await eventually(async () => (await metric('password_hash_running')) === 1, Boolean, { what: 'the first hash running' });

    const gone = uniqueName('gone');
    const req = httpRequest(new URL('/users', svc.url), { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(registration(gone));
    await eventually(async () => (await metric('password_hash_queue_length')) === 1, Boolean, { what: 'the second registration queued' });
    req.destroy();

    await eventually(async () => (await metric('password_hash_skipped_total', { reason: 'client_gone' })) === 1, Boolean, { what: 'the queued hash skipped' });
    expect(await metric('password_hash_queue_length')).toBe(0);
    expect(await first).toBe(201);
    expect(await metric('password_hash_running')).toBe(0);
    expect(await db.query('SELECT id FROM users WHERE username = $1', [gone])).toEqual([]);
  }, 120_000);
});
