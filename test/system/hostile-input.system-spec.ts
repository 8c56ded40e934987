import fc from 'fast-check';
import request from 'supertest';
import { Account, bearer, registerAndLogin } from '../support/accounts';
import { fuzzService, FuzzRun } from '../support/fuzz/fuzz-service';
import { emailAddress, validValue } from '../support/fuzz/hostile-values';
import { Invariant, INVARIANTS, summarize } from '../support/fuzz/invariants';
import { fetchOpenApi, OpenApiDocument, operationsOf, Schema } from '../support/fuzz/openapi';
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
  /** The seeded catalog, so that generated order items can name real products (and get past pricing). */
  let products: { id: string; sku: string; name: string; price: number; active: boolean }[];
  /** A product of the fuzzer's own, for the admin routes to change, deactivate and restock at will. */
  let fuzzTarget: string;
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
    products = (await orderService.get('/orders/products?active=all&limit=100').expect(200)).body;
    expect(products.length).toBeGreaterThan(3);
    fuzzTarget = (
      await orderService
        .post('/orders/products')
        .set(bearer(adminToken))
        .send({ sku: 'FUZZ-TARGET', name: 'Fuzz target', price: 5, stock_on_hand: 100 })
        .expect(201)
    ).body.id;
    orders = [];
    for (const method of ['test_success', 'test_success', 'test_decline']) {
      const placed = await orderService
        .post('/orders')
        .set(bearer(jane.accessToken))
        .send({ items: [{ product_name: 'Lamp', quantity: 2, unit_price: 12.5 }], payment_method: method })
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

  const hints = (spec: OpenApiDocument) => {
    const names = products.map((p) => p.name);
    const basic: Record<string, fc.Arbitrary<unknown>> = {
      email: fc.oneof(fc.constant(jane.email), emailAddress),
      username: fc.oneof(fc.constant(jane.username), fc.stringMatching(/^[A-Za-z0-9_.-]{3,32}$/)),
      password: fc.constantFrom(jane.password, 'wrong-password-1'),
      refresh_token: fc.constantFrom(...refreshTokens, 'not-a-refresh-token'),
      currency: fc.constantFrom('USD', 'EUR', 'JPY', 'usd'),
      order_id: fc.oneof(fc.constantFrom(...orders.map((o) => o.id)), fc.uuid()),
      // Products named as the catalog has them (an order item; a product an admin adds or renames, then taken), or not.
      product_id: fc.oneof(fc.constantFrom(...products.map((p) => p.id)), fc.uuid()),
      sku: fc.oneof(fc.constantFrom(...products.map((p) => p.sku)), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/)),
      product_name: fc.oneof(fc.constantFrom(...names, ...names.map((n) => n.toUpperCase())), fc.string({ minLength: 1, maxLength: 40 })),
      name: fc.oneof(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 40 })),
    };
    const createOrder = operationsOf(spec).find((op) => op.id === 'createOrder');
    if (!createOrder) return basic;
    // Most generated orders name catalog products exactly as a client would (by id, sku or name,
    // with or without the price it expects), so that they reach pricing, stock and payment; the
    // others are built from the schema field by field. Every strategy of the fuzzer then applies.
    const orderFields = createOrder.body!.properties as Record<string, Schema>;
    const itemSchema = (orderFields.items.items ?? {}) as Schema;
    // A client sends a total and a currency only sometimes; when it does, they must be right, so a
    // generated one (almost never right) is left out half the time, or no order would be placed.
    const sometimes = (value: fc.Arbitrary<unknown>) => fc.oneof(fc.constant(undefined), value);
    const catalogItem = fc
      .record({
        product: fc.constantFrom(...products),
        by: fc.constantFrom('product_id', 'sku', 'product_name', 'name'),
        quantity: fc.integer({ min: 1, max: 5 }),
        priceAs: fc.constantFrom(undefined, 'unit_price', 'price'),
      })
      .map(({ product, by, quantity, priceAs }) => ({
        [by]: { product_id: product.id, sku: product.sku, product_name: product.name, name: product.name }[by],
        quantity,
        ...(priceAs ? { [priceAs]: product.price } : {}),
      }));
    return {
      ...basic,
      currency: sometimes(basic.currency),
      total_amount: sometimes(validValue(orderFields.total_amount, basic)),
      items: fc.oneof(
        { weight: 3, arbitrary: fc.array(catalogItem, { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.array(validValue(itemSchema, basic), { minLength: 1, maxLength: 3 }) },
      ),
    };
  };

  const pathIds = (app: (typeof SERVICES)[number]['app']) =>
    // The catalog's products stay out of the paths: the admin routes would deactivate them all, and no generated order would get past pricing.
    ({ user: [jane.id, adminId], order: [...orders.map((o) => o.id), fuzzTarget], payment: orders.map((o) => o.payment_id) })[app];

  describe.each(SERVICES)('the $app service', ({ app, prefix, seed }) => {
    let run: FuzzRun;
    const secrets = () => ({ 'user token': jane.accessToken, 'admin token': adminToken });

    beforeAll(async () => {
      const url = system.stack.instances[app][0].url;
      const spec = await fetchOpenApi(url, prefix);
      run = await fuzzService({
        url,
        prefix,
        spec,
        requests: REQUESTS_PER_SERVICE,
        seed,
        concurrency: CONCURRENCY,
        tokens: { user: jane.accessToken, admin: adminToken },
        pathIds: pathIds(app),
        hints: hints(spec),
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

    if (app === 'order') {
      it('got generated orders past validation and pricing: some were placed, each priced from the catalog and holding what its items say', async () => {
        // The catalog's products are out of the fuzzer's paths, so their prices are still those the orders were placed at.
        const placed = await system.databases.order.query<{ id: string; total_minor: string; items_minor: string; off_catalog: number }>(
          `SELECT o.id, o.total_minor::text AS total_minor, sum(i.quantity * i.unit_price_minor)::text AS items_minor,
                  count(*) FILTER (WHERE p.id IS NULL OR p.price_minor <> i.unit_price_minor)::int AS off_catalog
             FROM orders o JOIN order_items i ON i.order_id = o.id LEFT JOIN products p ON p.id = i.product_id
            WHERE NOT (o.id = ANY($1::uuid[])) GROUP BY o.id`,
          [orders.map((o) => o.id)],
        );
        console.log(`Orders the fuzzer placed: ${placed.length}`);
        expect(placed.length).toBeGreaterThan(0);
        expect(placed.filter((o) => o.total_minor !== o.items_minor || o.off_catalog > 0)).toEqual([]);
      });
    }
  });
});
