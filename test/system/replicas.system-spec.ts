import request from 'supertest';
import { Account, bearer, registerAndLogin } from '../support/accounts';
import { RunningStack, startSystemStack } from '../support/system-stack';

const ITEMS = [{ product_name: 'Chair', quantity: 1, unit_price: 89.9 }];

/**
 * Two replicas of every service behind nginx: nothing that must be shared lives in a process, so
 * losing a replica loses no request that can be retried, and no order.
 */
describe('two replicas of every service behind the gateway', () => {
  let system: RunningStack;

  beforeAll(async () => {
    system = await startSystemStack({ replicas: 2 });
  }, 180_000);

  afterAll(async () => {
    await system?.close();
  });

  it('serves sessions started on one replica from the other (sessions in Redis, data in PostgreSQL)', async () => {
    const [first, second] = system.stack.instances.user.map((i) => request(i.url));
    const account = await registerAndLogin(first);
    const refreshed = await second.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(200);
    await first.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(401);
    await second.get('/users/me').set(bearer(refreshed.body.access_token)).expect(200);
  });

  it('loses no idempotent request and no order while one replica of each service is killed mid-walkthrough', async () => {
    const gw = request(system.gatewayUrl);
    const accounts: Account[] = [];
    for (let i = 0; i < 4; i++) accounts.push(await registerAndLogin(gw));
    const failures: string[] = [];
    const placed = new Map<string, string>();
    let reads = 0;

    const walkthrough = async (account: Account, round: number) => {
      const key = `replica-${account.username}-${round}`;
      let order;
      // A POST in flight on a killed replica is not retried by nginx (not idempotent): the client retries with its key.
      for (let attempt = 0; attempt < 10 && !order; attempt++) {
        const res = await gw
          .post('/orders')
          .set(bearer(account.accessToken))
          .set('Idempotency-Key', key)
          .send({ items: ITEMS, payment_method: 'test_success' });
        if (res.status === 201) order = res.body;
        else await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
      }
      if (!order) return failures.push(`order ${key} never placed`);
      placed.set(key, order.id);
      for (const path of ['/users/me', `/orders/${order.id}`, `/payments/${order.payment_id}`, '/orders?limit=5']) {
        const res = await gw.get(path).set(bearer(account.accessToken));
        reads++;
        if (res.status !== 200) failures.push(`GET ${path} → ${res.status}`);
      }
    };

    const rounds = 30;
    const killed: string[] = [];
    const killer = (async () => {
      for (const app of ['payment', 'user', 'order'] as const) {
        await new Promise((r) => setTimeout(r, 400));
        system.stack.instances[app][0].process.kill('SIGKILL');
        killed.push(`${app} at ${placed.size} orders`);
      }
    })();
    await Promise.all(
      accounts.map(async (account) => {
        for (let round = 0; round < rounds; round++) await walkthrough(account, round);
      }),
    );
    await killer;

    // The kills landed while the walkthroughs were still running.
    expect(killed).toHaveLength(3);
    expect(Number(/at (\d+) orders/.exec(killed[2])![1])).toBeLessThan(accounts.length * rounds);
    expect(failures).toEqual([]);
    expect(reads).toBe(accounts.length * rounds * 4);
    expect(placed.size).toBe(accounts.length * rounds);
    const orders = await system.databases.order.query<{ idempotency_key: string; status: string }>(
      `SELECT idempotency_key, status FROM orders WHERE idempotency_key LIKE 'replica-%'`,
    );
    expect(orders).toHaveLength(accounts.length * rounds);
    expect(new Set(orders.map((o) => o.idempotency_key)).size).toBe(orders.length);
    expect(orders.every((o) => o.status === 'confirmed')).toBe(true);
    const doubled = await system.databases.payment.query(
      `SELECT order_id FROM payments WHERE status IN ('completed', 'refunded') GROUP BY order_id HAVING count(*) > 1`,
    );
    expect(doubled).toEqual([]);
  }, 180_000);
});
