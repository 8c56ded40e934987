import fc from 'fast-check';
import request from 'supertest';
import { Account, bearer, registerAndLogin } from '../support/accounts';
import { fuzzService, FuzzRun } from '../support/fuzz/fuzz-service';
import { emailAddress } from '../support/fuzz/hostile-values';
import { Invariant, INVARIANTS, summarize } from '../support/fuzz/invariants';
import { fetchOpenApi } from '../support/fuzz/openapi';
import { unhandledErrorFor } from '../support/fuzz/service-logs';
import { freePort } from '../support/spawned-service';
import { RunningStack, STACK_ADMIN, startSystemStack } from '../support/system-stack';

/** Per service; fixed seeds make every run send the same requests. */
const REQUESTS_PER_SERVICE = 3_000;
const CONCURRENCY = 8;
const SEED = 20_261_127;

const SERVICES = [
  { app: 'user', prefix: 'users', seed: SEED },
  { app: 'order', prefix: 'orders', seed: SEED + 1_000 },
  { app: 'payment', prefix: 'payments', seed: SEED + 2_000 },
] as const;

describe("hostile input generated from each service's own OpenAPI spec, sent to the services directly", () => {
  let system: RunningStack;
  let jane: Account;
  let adminToken: string;
  let adminId: string;
  let refreshTokens: string[];
  let orders: { id: string; payment_id: string }[];
  const runs: Partial<Record<(typeof SERVICES)[number]['app'], FuzzRun>> = {};

  beforeAll(async () => {
    // The gateway's internal listener defaults to port 8082: a free one lets suites run side by side.
    system = await startSystemStack({ env: { LOG_LEVEL: 'warn', GATEWAY_INTERNAL_PORT: String(await freePort()) } });
    const users = request(system.stack.instances.user[0].url);
    const orderService = request(system.stack.instances.order[0].url);
    jane = await registerAndLogin(users);
    refreshTokens = [jane.refreshToken];
    for (let i = 0; i < 3; i++)
      refreshTokens.push((await users.post('/users/login').send({ username: jane.username, password: jane.password }).expect(200)).body.refresh_token);
    adminToken = (await users.post('/users/login').send(STACK_ADMIN).expect(200)).body.access_token;
    adminId = (await users.get('/users/me').set(bearer(adminToken)).expect(200)).body.id;
    orders = [];
    for (const method of ['test_success', 'test_success', 'test_decline']) {
      const placed = await orderService
        .post('/orders')
        .set(bearer(jane.accessToken))
        .send({ items: [{ product_name: 'Lamp', quantity: 2, unit_price: 24.5 }], payment_method: method })
        .expect(201);
      orders.push(placed.body);
    }
  }, 120_000);

  afterAll(async () => {
    const lines = SERVICES.filter(({ app }) => runs[app]).map(({ app }) => {
      const run = runs[app]!;
      const statuses = Object.entries(run.histogram)
        .map(([status, count]) => `${status === '0' ? 'no response' : status}: ${count}`)
        .join(', ');
      return `${app}: ${run.sent} requests in ${run.seconds.toFixed(1)} s, ${run.findings.length} findings; statuses ${statuses}`;
    });
    console.log(`Hostile input fuzzing (seed ${SEED}, ${CONCURRENCY} at a time)\n${lines.join('\n')}`);
    await system?.close();
  });

  const hints = () => ({
    email: fc.oneof(fc.constant(jane.email), emailAddress),
    username: fc.oneof(fc.constant(jane.username), fc.stringMatching(/^[A-Za-z0-9_.-]{3,32}$/)),
    password: fc.constantFrom(jane.password, 'wrong-password-1'),
    refresh_token: fc.constantFrom(...refreshTokens, 'not-a-refresh-token'),
    currency: fc.constantFrom('USD', 'EUR', 'JPY', 'usd'),
    order_id: fc.oneof(fc.constantFrom(...orders.map((o) => o.id)), fc.uuid()),
  });

  const pathIds = (app: (typeof SERVICES)[number]['app']) =>
    ({ user: [jane.id, adminId], order: orders.map((o) => o.id), payment: orders.map((o) => o.payment_id) })[app];

  describe.each(SERVICES)('the $app service', ({ app, prefix, seed }) => {
    let run: FuzzRun;
    const secrets = () => ({ 'user token': jane.accessToken, 'admin token': adminToken });

    beforeAll(async () => {
      const url = system.stack.instances[app][0].url;
      run = await fuzzService({
        url,
        prefix,
        spec: await fetchOpenApi(url, prefix),
        requests: REQUESTS_PER_SERVICE,
        seed,
        concurrency: CONCURRENCY,
        tokens: { user: jane.accessToken, admin: adminToken },
        pathIds: pathIds(app),
        hints: hints(),
        explain: (requestId) => unhandledErrorFor(system.logs, requestId),
      });
      runs[app] = run;
    }, 180_000);

    it(`sends at least ${REQUESTS_PER_SERVICE} generated requests, covering every documented operation`, async () => {
      expect(run.sent).toBeGreaterThanOrEqual(REQUESTS_PER_SERVICE);
      const spec = await fetchOpenApi(system.stack.instances[app][0].url, prefix);
      const documented = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => (op as { operationId: string }).operationId));
      for (const id of documented) expect(run.byOperation[id]).toBeGreaterThan(0);
    });

    it.each(Object.entries(INVARIANTS).map(([invariant, statement]) => ({ invariant: invariant as Invariant, statement })))(
      `$statement, for all ${REQUESTS_PER_SERVICE}+ of them`,
      ({ invariant }) => {
        expect(
          summarize(
            run.findings.filter((f) => f.invariant === invariant),
            secrets(),
          ),
        ).toEqual([]);
      },
    );

    it('is still up and ready afterwards', async () => {
      await request(system.stack.instances[app][0].url).get(`/${prefix}/health`).expect(200);
    });
  });
});
