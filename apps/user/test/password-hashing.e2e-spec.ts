import { uniqueName } from '../../../test/support/accounts';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

/** The value of one series in the Prometheus text format, 0 when it is absent. */
async function metric(svc: ServiceUnderTest, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await svc.http.get('/metrics').expect(200)).text;
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('user service: the password-hashing queue is bounded', () => {
  let db: TestDatabase;
  let svc: ServiceUnderTest | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('user');
  });

  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });

  afterAll(async () => {
    await db?.drop();
  });

  // Cost 10 in-process takes tens of milliseconds a hash: long enough for requests to queue behind it.
  const start = async (env: Record<string, string>) => (svc = await startService(UserAppModule, userService, { ...db.env, BCRYPT_COST: '10', ...env }));
  const register = (s: ServiceUnderTest) => {
    const username = uniqueName('queue');
    return s.http.post('/users').send({ email: `${username}@example.com`, username, password: 'correct-horse-battery' });
  };

  it('answers 503 PASSWORDS.BUSY with Retry-After past the queue limit, and counts the rejections', async () => {
    const s = await start({ PASSWORD_HASH_QUEUE_LIMIT: '1', PASSWORD_HASH_MAX_WAIT_MS: '30000' });
    const responses = await Promise.all(Array.from({ length: 8 }, () => register(s)));
    const busy = responses.filter((r) => r.status === 503);
    expect(responses.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(2);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const res of busy) {
      expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'PASSWORDS.BUSY', message: expect.stringMatching(/busy/i) });
    }
    expect(await metric(s, 'password_hash_rejected_total', { reason: 'queue_full' })).toBe(busy.length);
    expect(await metric(s, 'password_hash_queue_length')).toBe(0);
  });

  it('drops a job that waited longer than PASSWORD_HASH_MAX_WAIT_MS with 503', async () => {
    const s = await start({ PASSWORD_HASH_QUEUE_LIMIT: '100', PASSWORD_HASH_MAX_WAIT_MS: '1' });
    const responses = await Promise.all(Array.from({ length: 5 }, () => register(s)));
    const busy = responses.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy[0].body.code).toBe('PASSWORDS.BUSY');
    expect(busy[0].headers['retry-after']).toBe('1');
    expect(await metric(s, 'password_hash_rejected_total', { reason: 'waited_too_long' })).toBe(busy.length);
  });
});
