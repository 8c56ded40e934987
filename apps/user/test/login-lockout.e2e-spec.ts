import { registerAndLogin, uniqueName } from '../../../test/support/accounts';
import { TEST_REDIS_URL } from '../../../test/support/environment';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { PasswordHasher } from '../src/passwords/password-hasher';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

const LOCKOUT = { LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '1', LOGIN_LOCKOUT_MAX_SECONDS: '60', LOGIN_FAILURE_WINDOW_SECONDS: '600' };
const LOCKED = { statusCode: 429, error: 'Too Many Requests', code: 'AUTH.LOGIN_LOCKED' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ['Redis (REDIS_URL set, shared by replicas)', TEST_REDIS_URL],
  ['process memory (no REDIS_URL)', undefined],
])('user service: login lockout per account, in %s', (_store, redisUrl) => {
  let db: TestDatabase;
  let svc: ServiceUnderTest;

  beforeAll(async () => {
    db = await createTestDatabase('user');
    svc = await startService(UserAppModule, userService, { ...db.env, REDIS_URL: redisUrl, ...LOCKOUT });
  });

  afterAll(async () => {
    await svc?.close();
    await db?.drop();
  });

  const login = (username: string, password: string, http = svc.http) => http.post('/users/login').send({ username, password });
  const fail = async (username: string, times: number, http = svc.http) => {
    for (let i = 0; i < times; i++) await login(username, `wrong-password-${i}`, http).expect(401);
  };

  it('refuses even the right password with 429, Retry-After and AUTH.LOGIN_LOCKED after 3 failures', async () => {
    const account = await registerAndLogin(svc.http);
    await fail(account.username, 3);
    const res = await login(account.username, account.password).expect(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({
      ...LOCKED,
      message: 'Too many failed logins for this account; try again in 1 second(s)',
      details: { retry_after_seconds: 1 },
    });
    expect(res.text).not.toContain('access_token');
  });

  it('counts per account: failures by username and by email add up', async () => {
    const account = await registerAndLogin(svc.http);
    await fail(account.username, 2);
    await fail(account.email.toUpperCase(), 1);
    await login(account.username, account.password).expect(429);
  });

  it('locks an unknown username the same way, with the same answer', async () => {
    const account = await registerAndLogin(svc.http);
    const unknown = uniqueName('nobody');
    await fail(account.username, 3);
    await fail(unknown, 3);
    const known = await login(account.username, account.password).expect(429);
    const missing = await login(unknown, 'any-password').expect(429);
    expect({ ...missing.body, requestId: '' }).toEqual({ ...known.body, requestId: '' });
    expect(missing.headers['retry-after']).toBe(known.headers['retry-after']);
  });

  it('resets the count after a successful login', async () => {
    const account = await registerAndLogin(svc.http);
    await fail(account.username, 2);
    await login(account.username, account.password).expect(200);
    await fail(account.username, 2);
    await login(account.username, account.password).expect(200);
  });

  it('unlocks when the lockout ends, and doubles the next one (exponential back-off)', async () => {
    const account = await registerAndLogin(svc.http);
    await fail(account.username, 3);
    expect((await login(account.username, account.password).expect(429)).headers['retry-after']).toBe('1');
    await sleep(1100);
    await fail(account.username, 3);
    expect((await login(account.username, account.password).expect(429)).headers['retry-after']).toBe('2');
    await sleep(2100);
    await login(account.username, account.password).expect(200);
  });

  it('lets no more than 3 guesses through when 10 arrive at once', async () => {
    const account = await registerAndLogin(svc.http);
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => login(account.username, `guess-${i}`).then((r) => r.status)));
    expect(statuses.sort()).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('spends a password check on an unknown user, as on a known one', async () => {
    const hasher = svc.app.get<PasswordHasher, { run(task: { op: string }): Promise<unknown> }>(PasswordHasher);
    const run = jest.spyOn(hasher, 'run');
    try {
      await login(uniqueName('nobody'), 'any-password').expect(401);
      expect(run.mock.calls.filter(([task]) => task.op === 'compare')).toHaveLength(1);
    } finally {
      run.mockRestore();
    }
  });
});

describe('user service: login lockout shared by two replicas through Redis', () => {
  let dbs: TestDatabase[];
  let replicas: ServiceUnderTest[];

  beforeAll(async () => {
    dbs = [await createTestDatabase('user'), await createTestDatabase('user')];
    replicas = [];
    for (const db of dbs) replicas.push(await startService(UserAppModule, userService, { ...db.env, REDIS_URL: TEST_REDIS_URL, ...LOCKOUT }));
  });

  afterAll(async () => {
    for (const replica of (replicas ?? []).reverse()) await replica.close();
    for (const db of dbs ?? []) await db.drop();
  });

  it('counts failures on either replica, and both refuse once the account is locked', async () => {
    const name = uniqueName('shared');
    const [a, b] = replicas;
    await a.http.post('/users/login').send({ username: name, password: 'wrong-1' }).expect(401);
    await b.http.post('/users/login').send({ username: name, password: 'wrong-2' }).expect(401);
    await a.http.post('/users/login').send({ username: name, password: 'wrong-3' }).expect(401);
    await b.http.post('/users/login').send({ username: name, password: 'wrong-4' }).expect(429);
    await a.http.post('/users/login').send({ username: name, password: 'wrong-5' }).expect(429);
  });

  it('counts 10 concurrent guesses spread over both replicas exactly', async () => {
    const name = uniqueName('shared');
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        replicas[i % 2].http
          .post('/users/login')
          .send({ username: name, password: `guess-${i}` })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
  });
});
