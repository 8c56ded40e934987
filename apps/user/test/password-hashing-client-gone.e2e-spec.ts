import { request as httpRequest } from 'node:http';
import { uniqueName } from '../../../test/support/accounts';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds, for what happens in the service in the background. */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** The value of one series in the Prometheus text format, 0 when it is absent. */
async function metric(svc: ServiceUnderTest, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await svc.http.get('/metrics').expect(200)).text;
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

// KNOWN DEFECT, marked `failing` so that it is seen and flips to red once fixed: with the first hash
// long enough (cost 14) that the second request surely queues behind it, the second client's close is
// not seen and its hash is done anyway (4 runs of 4 on this machine). With a shorter first hash it
// passed, which is how it passed where it was written; CI on a quiet machine found it. Open in issue 12.
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

  const start = async (env: Record<string, string>) => (svc = await startService(UserAppModule, userService, { ...db.env, ...env }));
  const register = (s: ServiceUnderTest) => {
    const username = uniqueName('queue');
    return s.http.post('/users').send({ email: `${username}@example.com`, username, password: 'correct-horse-battery' });
  };

  it('does not hash for a client that closed its connection while queued', async () => {
    // The suites hash in process (PASSWORD_HASH_THREADS=0): one hash at a time, so the second waits.
    const s = await start({ BCRYPT_COST: '14', PASSWORD_HASH_QUEUE_LIMIT: '10', PASSWORD_HASH_MAX_WAIT_MS: '30000' });
    const first = register(s).then((r) => r.status);
    // The first reaches its hash well within a second, and its hash (cost 14) lasts longer than that:
    // the second then queues behind it rather than overtaking it.
    await sleep(1000);
    const gone = uniqueName('gone');
    const url = new URL('/users', s.url);
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ email: `${gone}@example.com`, username: gone, password: 'correct-horse-battery' }));
    // Gone only once it is really queued behind the first hash.
    await waitFor(async () => (await metric(s, 'password_hash_queue_length')) === 1);
    req.destroy();
    expect(await first).toBe(201);
    await waitFor(async () => (await metric(s, 'password_hash_skipped_total', { reason: 'client_gone' })) === 1);
    await waitFor(async () => (await metric(s, 'password_hash_queue_length')) === 0);
    expect(await db.query('SELECT id FROM users WHERE username = $1', [gone])).toEqual([]);
  });
});
