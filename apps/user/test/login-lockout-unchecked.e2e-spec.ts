import { registerAndLogin, uniqueName } from '../../../test/support/accounts';
import { TEST_REDIS_URL } from '../../../test/support/environment';
import { eventually } from '../../../test/support/eventually';
import { seriesValue } from '../../../test/support/prometheus-text';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

// A suite of its own: the service's configuration (cost 15, no hashing queue) is read once per process.
describe('user service: a login whose password was never checked is not a failure', () => {
  let db: TestDatabase;
  let svc: ServiceUnderTest | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('user');
    // One hash at a time in process (PASSWORD_HASH_THREADS=0) and no queue: while a registration
    // hashes, every login is refused with 503 before its password is looked at. Cost 15 keeps that
    // hash running while the logins travel. Lockout after 3 failures, through Redis as in production.
    svc = await startService(UserAppModule, userService, {
      ...db.env,
      REDIS_URL: TEST_REDIS_URL,
      BCRYPT_COST: '15',
      PASSWORD_HASH_QUEUE_LIMIT: '0',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCKOUT_SECONDS: '60',
      LOGIN_LOCKOUT_MAX_SECONDS: '60',
      LOGIN_FAILURE_WINDOW_SECONDS: '600',
    });
  }, 120_000);

  afterAll(async () => {
    await svc?.close();
    await db?.drop();
  });

  it('lets the right password in after as many 503s (hashing pool full) as would lock the account', async () => {
    const http = svc!.http;
    const account = await registerAndLogin(http);
    const running = async () => seriesValue((await http.get('/metrics').expect(200)).text, 'password_hash_running', {});
    const name = uniqueName('blocker');
    const registered = http
      .post('/users')
      .send({ email: `${name}@example.com`, username: name, password: 'correct-horse-battery' })
      .then((r) => r.status);
    await eventually(async () => (await running()) === 1, Boolean, { what: 'the blocking registration hashing' });
    const refused = [];
    for (let i = 0; i < 3; i++) refused.push((await http.post('/users/login').send({ username: account.username, password: account.password })).status);
    expect(refused).toEqual([503, 503, 503]);
    expect(await registered).toBe(201);
    await http.post('/users/login').send({ username: account.username, password: account.password }).expect(200);
  }, 180_000);
});
