import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin, uniqueName } from '../support/accounts';
import { TEST_JWT_SECRET } from '../support/environment';
import { claimsOf, forgeTokens } from '../support/fuzz/forged-tokens';
import { fetchOpenApi, OpenApiDocument, Operation, operationsOf } from '../support/fuzz/openapi';
import { freePort } from '../support/spawned-service';
import { signAccessToken, signServiceToken } from '../support/tokens';
import { RunningStack, STACK_ADMIN, startSystemStack } from '../support/system-stack';
import { eventually } from '../support/eventually';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderGateway, gatewayVariables, findNginx } = require('../../scripts/stack') as typeof import('../../scripts/stack');

// A catalog product at its catalog price: the server prices every order.
const ITEMS = [{ product_name: 'Desk lamp', quantity: 1, unit_price: 34 }];
const ITEMS_TOTAL = 34;
const PREFIXES = ['users', 'orders', 'payments'] as const;
type Prefix = (typeof PREFIXES)[number];

interface Order {
  id: string;
  status: string;
  payment_id: string;
}

/** An error body without its request id, to compare two errors. */
const withoutRequestId = ({ requestId: _, ...rest }: Record<string, unknown>) => rest;

describe('security invariants of the running system', () => {
  let system: RunningStack;
  let gw: TestAgent;
  let specs: Record<Prefix, OpenApiDocument>;
  let alice: Account;
  let bob: Account;
  let adminToken: string;
  /** Alice's orders, each kept for one purpose so that the invariants do not depend on each other. */
  let confirmed: Order;
  let declined: Order;
  let unpaid: Order;
  let toShip: Order;

  const place = async (who: Account, payment_method: string): Promise<Order> =>
    (await gw.post('/orders').set(bearer(who.accessToken)).send({ items: ITEMS, payment_method }).expect(201)).body;

  beforeAll(async () => {
    // The gateway's internal listener defaults to port 8082: a free one lets suites run side by side.
    system = await startSystemStack({ env: { GATEWAY_INTERNAL_PORT: String(await freePort()) } });
    gw = request(system.gatewayUrl);
    const entries = await Promise.all(PREFIXES.map(async (prefix) => [prefix, await fetchOpenApi(system.gatewayUrl, prefix)] as const));
    specs = Object.fromEntries(entries) as Record<Prefix, OpenApiDocument>;
    alice = await registerAndLogin(gw);
    bob = await registerAndLogin(gw);
    adminToken = (await gw.post('/users/login').send(STACK_ADMIN).expect(200)).body.access_token;
    confirmed = await place(alice, 'test_success');
    declined = await place(alice, 'test_decline');
    unpaid = await place(alice, 'test_decline');
    toShip = await place(alice, 'test_success');
    expect([confirmed.status, declined.status, unpaid.status, toShip.status]).toEqual(['confirmed', 'payment_failed', 'payment_failed', 'confirmed']);
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  });

  /** Every operation of the three specs that declares bearer security. */
  const securedOperations = (): { prefix: Prefix; op: Operation }[] =>
    PREFIXES.flatMap((prefix) =>
      operationsOf(specs[prefix])
        .filter((op) => op.secured)
        .map((op) => ({ prefix, op })),
    );

  /** A request that would succeed for its owner: the only thing wrong with it is the token. */
  function ownersRequest(prefix: Prefix, op: Operation, owner: Account, token: string) {
    const id = { users: owner.id, orders: confirmed.id, payments: confirmed.payment_id }[prefix];
    const path = op.path.replace(/\{[^}]+\}/g, id);
    const bodies: Record<string, object> = {
      updateMe: { full_name: 'Changed by a forged token' },
      logout: { refresh_token: owner.refreshToken },
      createOrder: { items: ITEMS, payment_method: 'test_success' },
      payOrder: { payment_method: 'test_success' },
      updateOrderStatus: { status: 'cancelled' },
      createPayment: { order_id: unpaid.id, amount: ITEMS_TOTAL, payment_method: 'test_success' },
    };
    const call = gw[op.method.toLowerCase() as 'get' | 'post' | 'patch'](path).set(bearer(token));
    return op.body ? call.send(bodies[op.id] ?? {}) : call;
  }

  describe('Auth: a forged, expired, replayed or deactivated credential never authenticates (401)', () => {
    it.each(Object.keys(forgeTokens('a.e30.c', 'x')))('refuses %s on every authenticated route of the user, order and payment services', async (forgery) => {
      const token = forgeTokens(alice.accessToken, TEST_JWT_SECRET)[forgery];
      const answers: string[] = [];
      for (const { prefix, op } of securedOperations()) {
        const res = await ownersRequest(prefix, op, alice, token);
        const code = forgery === 'an expired token' ? 'AUTH.TOKEN_EXPIRED' : 'AUTH.TOKEN_INVALID';
        if (res.status !== 401 || res.body.code !== code) answers.push(`${op.method} ${op.path} → ${res.status} ${res.body.code ?? ''}`);
      }
      expect(securedOperations().map(({ op }) => op.id)).toEqual(
        expect.arrayContaining(['getMe', 'createOrder', 'updateOrderStatus', 'createPayment', 'refundPayment']),
      );
      expect(answers).toEqual([]);
      // Nothing the forged requests asked for happened.
      expect((await gw.get('/users/me').set(bearer(alice.accessToken)).expect(200)).body.full_name).toBeNull();
      expect((await gw.get(`/orders/${confirmed.id}`).set(bearer(alice.accessToken)).expect(200)).body.status).toBe('confirmed');
    });

    describe('service-to-service routes (reached directly, as from inside the network): only the services they name, with a service token', () => {
      const direct = (app: 'user' | 'order' | 'payment') => request(system.stack.instances[app][0].url);

      it("refuses another service's valid token with 403 AUTH.SERVICE_NOT_ALLOWED: the user service cannot have a payment refunded, the order service cannot post payment events", async () => {
        const order = await place(alice, 'test_success');
        const refund = await direct('payment')
          .post(`/payments/internal/payments/${order.payment_id}/refund`)
          .set(bearer(signServiceToken('user')))
          .expect(403);
        expect(refund.body).toMatchObject({ statusCode: 403, code: 'AUTH.SERVICE_NOT_ALLOWED' });
        const ownRoute = await direct('payment')
          .post(`/payments/internal/payments/${order.payment_id}/refund`)
          .set(bearer(signServiceToken('payment')))
          .expect(403);
        expect(ownRoute.body.code).toBe('AUTH.SERVICE_NOT_ALLOWED');
        const event = {
          id: randomUUID(),
          type: 'payment.refunded',
          payment_id: order.payment_id,
          order_id: order.id,
          user_id: alice.id,
          occurred_at: new Date().toISOString(),
        };
        const events = await direct('order')
          .post('/orders/internal/payment-events')
          .set(bearer(signServiceToken('order')))
          .send(event)
          .expect(403);
        expect(events.body.code).toBe('AUTH.SERVICE_NOT_ALLOWED');
        const status = await direct('user')
          .get(`/users/internal/users/${alice.id}/status`)
          .set(bearer(signServiceToken('user')))
          .expect(403);
        expect(status.body.code).toBe('AUTH.SERVICE_NOT_ALLOWED');
        expect((await gw.get(`/payments/${order.payment_id}`).set(bearer(alice.accessToken)).expect(200)).body.status).toBe('completed');
        expect((await gw.get(`/orders/${order.id}`).set(bearer(alice.accessToken)).expect(200)).body.status).toBe('confirmed');
      });

      it.each([
        ["a user's access token", () => alice.accessToken],
        ["a user's token with the service type but the users' audience", () => signAccessToken({ sub: 'order' }, { typ: 'service' })],
        ['a service token without exp', () => signServiceToken('order', { exp: undefined })],
      ])('refuses %s on an internal route with 401 AUTH.SERVICE_TOKEN_REQUIRED', async (_what, token) => {
        const res = await direct('payment').get(`/payments/internal/orders/${confirmed.id}/payments`).set(bearer(token())).expect(401);
        expect(res.body.code).toBe('AUTH.SERVICE_TOKEN_REQUIRED');
      });

      it("refuses a service token presented as a user's access token (401 AUTH.TOKEN_INVALID)", async () => {
        const res = await gw
          .get('/orders')
          .set(bearer(signServiceToken('order', { sub: alice.id, role: 'admin', typ: 'access' })))
          .expect(401);
        expect(res.body.code).toBe('AUTH.TOKEN_INVALID');
      });
    });

    it("refuses a password over bcrypt's 72 bytes at registration (400), so a longer guess sharing its first 72 bytes cannot log in", async () => {
      const name = uniqueName();
      const password = 'é'.repeat(36) + 'x';
      const res = await gw
        .post('/users')
        .send({ email: `${name}@example.com`, username: name, password })
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'password', messages: [expect.stringMatching(/at most 72 bytes/)] }]);
      await gw
        .post('/users/login')
        .send({ username: name, password: 'é'.repeat(36) + 'y' })
        .expect(401);
    });

    it('refuses a refresh token replayed after rotation (401), and the replay ends the whole session', async () => {
      const first = (await gw.post('/users/login').send({ username: alice.username, password: alice.password }).expect(200)).body.refresh_token;
      const second = (await gw.post('/users/refresh').send({ refresh_token: first }).expect(200)).body.refresh_token;
      const replay = await gw.post('/users/refresh').send({ refresh_token: first }).expect(401);
      expect(replay.body).toMatchObject({ statusCode: 401, code: 'AUTH.REFRESH_TOKEN_INVALID' });
      await gw.post('/users/refresh').send({ refresh_token: second }).expect(401);
    });

    it('refuses a refresh token after logout (401)', async () => {
      const tokens = (await gw.post('/users/login').send({ username: alice.username, password: alice.password }).expect(200)).body;
      await gw.post('/users/logout').set(bearer(tokens.access_token)).send({ refresh_token: tokens.refresh_token }).expect(204);
      await gw.post('/users/refresh').send({ refresh_token: tokens.refresh_token }).expect(401);
    });

    describe('a user deactivated by an admin (PATCH /users/{id}), with an unexpired access token', () => {
      let carol: Account;
      let carolsOrder: Order;
      let carolsDeclined: Order;
      const observed: string[] = [];

      beforeAll(async () => {
        carol = await registerAndLogin(gw);
        carolsOrder = await place(carol, 'test_success');
        carolsDeclined = await place(carol, 'test_decline');
        await gw.patch(`/users/${carol.id}`).set(bearer(adminToken)).send({ is_active: false }).expect(200);
      });

      afterAll(() => {
        console.log(`A deactivated user's unexpired access token:\n${observed.join('\n')}`);
      });

      it('can no longer log in or refresh (401)', async () => {
        await gw.post('/users/login').send({ username: carol.username, password: carol.password }).expect(401);
        await gw.post('/users/refresh').send({ refresh_token: carol.refreshToken }).expect(401);
      });

      it('gets 401 AUTH.USER_INACTIVE on every authenticated route of the user service but GET /users/me, which says is_active false', async () => {
        const answers: string[] = [];
        for (const op of operationsOf(specs.users).filter((o) => o.secured && !(o.method === 'GET' && o.path === '/users/me'))) {
          const res = await ownersRequest('users', op, carol, carol.accessToken);
          observed.push(`  ${op.method} ${op.path} → ${res.status} ${res.body.code ?? ''}`);
          if (!(res.status === 401 && res.body.code === 'AUTH.USER_INACTIVE')) answers.push(`${op.method} ${op.path} → ${res.status} ${res.body.code ?? ''}`);
        }
        expect(answers).toEqual([]);
        const me = await gw.get('/users/me').set(bearer(carol.accessToken)).expect(200);
        expect(me.body).toMatchObject({ id: carol.id, is_active: false });
      });

      it('cannot place an order: POST /orders → 401', async () => {
        const res = await gw.post('/orders').set(bearer(carol.accessToken)).send({ items: ITEMS, payment_method: 'test_success' });
        observed.push(`  POST /orders → ${res.status} ${res.body.code ?? ''}`);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ statusCode: 401, code: 'AUTH.USER_INACTIVE' });
        const [{ count }] = await system.databases.order.query<{ count: string }>('SELECT count(*) FROM orders WHERE user_id = $1', [carol.id]);
        expect(Number(count)).toBe(2);
      });

      it('is refused every read and write of orders and payments at once (401 AUTH.USER_INACTIVE), and nothing changes', async () => {
        const attempts: [string, request.Test][] = [
          ['GET /orders', gw.get('/orders')],
          [`GET /orders/{id}`, gw.get(`/orders/${carolsOrder.id}`)],
          ['GET /payments', gw.get('/payments')],
          ['GET /payments/{id}', gw.get(`/payments/${carolsOrder.payment_id}`)],
          ['POST /orders/{id}/pay', gw.post(`/orders/${carolsDeclined.id}/pay`).send({ payment_method: 'test_success' })],
          ['PATCH /orders/{id}/status cancelled', gw.patch(`/orders/${carolsOrder.id}/status`).send({ status: 'cancelled' })],
          ['POST /payments/{id}/refund', gw.post(`/payments/${carolsOrder.payment_id}/refund`)],
          ['POST /payments', gw.post('/payments').send({ order_id: carolsDeclined.id, amount: ITEMS_TOTAL, payment_method: 'test_success' })],
        ];
        const wrong: string[] = [];
        for (const [name, call] of attempts) {
          const res = await call.set(bearer(carol.accessToken));
          observed.push(`  ${name} → ${res.status} ${res.body.code ?? ''}`);
          if (res.status !== 401 || res.body.code !== 'AUTH.USER_INACTIVE') wrong.push(`${name} → ${res.status} ${res.body.code ?? ''}`);
        }
        expect(wrong).toEqual([]);
        const orders = await system.databases.order.query<{ id: string; status: string }>(
          'SELECT id, status FROM orders WHERE user_id = $1 ORDER BY created_at',
          [carol.id],
        );
        expect(orders.map((o) => o.status).sort()).toEqual(['confirmed', 'payment_failed']);
      });
    });
  });

  describe("Access: another user's resources (user record, order, payment) answer 404 to every read and change, exactly like missing ones", () => {
    const missing = '00000000-0000-4000-8000-000000000000';

    it.each([
      ['reads her user record', 'GET', (id: Record<string, string>) => `/users/${id.user}`, undefined],
      ['reads her order', 'GET', (id: Record<string, string>) => `/orders/${id.order}`, undefined],
      ['pays her declined order', 'POST', (id: Record<string, string>) => `/orders/${id.declined}/pay`, { payment_method: 'test_success' }],
      ['cancels her order', 'PATCH', (id: Record<string, string>) => `/orders/${id.order}/status`, { status: 'cancelled' }],
      ['reads her payment', 'GET', (id: Record<string, string>) => `/payments/${id.payment}`, undefined],
      ['refunds her payment', 'POST', (id: Record<string, string>) => `/payments/${id.payment}/refund`, undefined],
    ] as const)('Bob %s: 404, the same answer as for a missing one, and nothing changes', async (_what, method, path, body) => {
      const ids = { user: alice.id, order: confirmed.id, declined: declined.id, payment: confirmed.payment_id };
      const send = (target: string) => {
        const call = gw[method.toLowerCase() as 'get' | 'post' | 'patch'](target).set(bearer(bob.accessToken));
        return body ? call.send(body) : call;
      };
      const theirs = await send(path(ids));
      const absent = await send(path({ user: missing, order: missing, declined: missing, payment: missing }));
      expect(theirs.status).toBe(404);
      expect(withoutRequestId(theirs.body)).toEqual(withoutRequestId(absent.body));
      const order = (await gw.get(`/orders/${confirmed.id}`).set(bearer(alice.accessToken)).expect(200)).body;
      expect(order.status).toBe('confirmed');
      expect((await gw.get(`/orders/${declined.id}`).set(bearer(alice.accessToken)).expect(200)).body.status).toBe('payment_failed');
      expect((await gw.get(`/payments/${confirmed.payment_id}`).set(bearer(alice.accessToken)).expect(200)).body.status).toBe('completed');
    });

    it("Bob cannot pay Alice's unpaid order at the payment service: the order service finds no such order of his (404), and no payment is recorded", async () => {
      const res = await gw.post('/payments').set(bearer(bob.accessToken)).send({ order_id: unpaid.id, amount: 0.01, payment_method: 'test_success' });
      const bobs = await system.databases.payment.query('SELECT id, status FROM payments WHERE order_id = $1 AND user_id = $2', [unpaid.id, bob.id]);
      expect({ status: res.status, paymentsByBob: bobs.length }).toEqual({ status: 404, paymentsByBob: 0 });
    });

    it("Bob learns nothing about Alice's paid order at the payment service: POST /payments with her order_id → 404, not her payment id", async () => {
      const res = await gw.post('/payments').set(bearer(bob.accessToken)).send({ order_id: confirmed.id, amount: ITEMS_TOTAL, payment_method: 'test_success' });
      expect(res.text).not.toContain(confirmed.payment_id);
      expect(res.status).toBe(404);
    });

    it("Bob's lists never show Alice's orders or payments", async () => {
      const orders = (await gw.get('/orders?limit=100').set(bearer(bob.accessToken)).expect(200)).body as { user_id: string }[];
      expect(orders.every((o) => o.user_id === bob.id)).toBe(true);
      const payments = await gw.get(`/payments?order_id=${confirmed.id}`).set(bearer(bob.accessToken)).expect(200);
      expect(payments.body).toEqual([]);
      expect(payments.headers['x-total-count']).toBe('0');
    });
  });

  describe('Access: admin-only actions are refused to plain users as the API documents (GET /users → 403; shipping → 409 naming the allowed moves)', () => {
    it('answers GET /users with 403 for a plain user and 200 for the admin', async () => {
      const res = await gw.get('/users').set(bearer(alice.accessToken)).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'AUTH.FORBIDDEN' });
      await gw.get('/users').set(bearer(adminToken)).expect(200);
    });

    it('answers an owner asking for shipped or delivered with 409 naming the allowed transitions; the admin ships and delivers', async () => {
      for (const status of ['shipped', 'delivered']) {
        const res = await gw.patch(`/orders/${toShip.id}/status`).set(bearer(alice.accessToken)).send({ status }).expect(409);
        expect(res.body).toMatchObject({
          statusCode: 409,
          code: 'ORDER.TRANSITION_NOT_ALLOWED',
          details: { from: 'confirmed', to: status, allowed: ['cancelled'] },
        });
        expect(res.body.message).toContain('allowed: cancelled');
      }
      expect((await gw.patch(`/orders/${toShip.id}/status`).set(bearer(adminToken)).send({ status: 'shipped' }).expect(200)).body.status).toBe('shipped');
      const late = await gw.patch(`/orders/${toShip.id}/status`).set(bearer(alice.accessToken)).send({ status: 'delivered' }).expect(409);
      expect(late.body.details).toMatchObject({ from: 'shipped', allowed: [] });
      expect((await gw.patch(`/orders/${toShip.id}/status`).set(bearer(adminToken)).send({ status: 'delivered' }).expect(200)).body.status).toBe('delivered');
    });

    it('refuses a plain user every change to the catalog with 403 (add, change, restock, deactivate), while anyone browses it, and the catalog is unchanged', async () => {
      const [keyboard] = (await gw.get('/orders/products').query({ search: 'Mechanical keyboard' }).expect(200)).body as { id: string }[];
      const before = (await gw.get(`/orders/products/${keyboard.id}`).expect(200)).body;
      const attempts: [string, request.Test][] = [
        ['POST /orders/products', gw.post('/orders/products').send({ sku: uniqueName('SKU'), name: uniqueName('Free'), price: 0.01, stock_on_hand: 5 })],
        ['PATCH /orders/products/{id}', gw.patch(`/orders/products/${keyboard.id}`).send({ price: 0.01 })],
        ['POST /orders/products/{id}/restock', gw.post(`/orders/products/${keyboard.id}/restock`).send({ quantity: 1000 })],
        ['DELETE /orders/products/{id}', gw.delete(`/orders/products/${keyboard.id}`)],
      ];
      const wrong: string[] = [];
      for (const [name, call] of attempts) {
        const res = await call.set(bearer(alice.accessToken));
        if (res.status !== 403 || res.body.code !== 'AUTH.FORBIDDEN') wrong.push(`${name} → ${res.status} ${res.body.code ?? ''}`);
      }
      expect(wrong).toEqual([]);
      expect((await gw.get(`/orders/products/${keyboard.id}`).expect(200)).body).toEqual(before);
      expect(before).toMatchObject({ sku: 'KB-MECH-01', price: 19.99, active: true });
    });

    it('refuses to register a user with a role or an active flag of their choosing (400)', async () => {
      const name = uniqueName();
      for (const extra of [{ role: 'admin' }, { is_active: true }, { id: '00000000-0000-4000-8000-000000000001' }]) {
        await gw
          .post('/users')
          .send({ email: `${name}@example.com`, username: name, password: 'correct-horse-battery', ...extra })
          .expect(400);
      }
    });
  });

  describe('Pricing: the catalog sets what an order costs, never the client', () => {
    it('refuses a Mechanical keyboard at 0.01 with 422 ORDER.PRICE_CHANGED naming its price 19.99, and creates no order, no payment and takes no stock', async () => {
      const mallory = await registerAndLogin(gw);
      const stock = async () => (await system.databases.order.query<{ n: number }>("SELECT stock_on_hand AS n FROM products WHERE sku = 'KB-MECH-01'"))[0].n;
      const stockBefore = await stock();

      const attack = await gw
        .post('/orders')
        .set(bearer(mallory.accessToken))
        .send({ items: [{ name: 'Mechanical keyboard', quantity: 1, price: 0.01 }], payment_method: 'test_success' })
        .expect(422);
      expect(attack.body).toMatchObject({
        statusCode: 422,
        code: 'ORDER.PRICE_CHANGED',
        details: { items: [{ index: 0, sku: 'KB-MECH-01', price: 0.01, current_price: 19.99 }] },
      });
      expect(attack.body.message).toContain('19.99');
      // The same with a total to match the price it wanted.
      const withTotal = await gw
        .post('/orders')
        .set(bearer(mallory.accessToken))
        .send({ items: [{ name: 'Mechanical keyboard', quantity: 1, unit_price: 0.01 }], total_amount: 0.01, payment_method: 'test_success' })
        .expect(422);
      expect(withTotal.body).toMatchObject({ code: 'ORDER.PRICE_CHANGED', details: { items: [{ index: 0, unit_price: 0.01, current_price: 19.99 }] } });

      const orders = await gw.get('/orders').set(bearer(mallory.accessToken)).expect(200);
      expect({ body: orders.body, total: orders.headers['x-total-count'] }).toEqual({ body: [], total: '0' });
      const payments = await gw.get('/payments').set(bearer(mallory.accessToken)).expect(200);
      expect({ body: payments.body, total: payments.headers['x-total-count'] }).toEqual({ body: [], total: '0' });
      expect(await system.databases.order.query('SELECT id FROM orders WHERE user_id = $1', [mallory.id])).toEqual([]);
      expect(await system.databases.payment.query('SELECT id FROM payments WHERE user_id = $1', [mallory.id])).toEqual([]);
      expect(await stock()).toBe(stockBefore);
    });

    it('charges an item sent without a price the catalog price, 19.99 for a Mechanical keyboard', async () => {
      const buyer = await registerAndLogin(gw);
      const placed = await gw
        .post('/orders')
        .set(bearer(buyer.accessToken))
        .send({ items: [{ name: 'Mechanical keyboard', quantity: 1 }], payment_method: 'test_success' })
        .expect(201);
      expect(placed.body).toMatchObject({
        status: 'confirmed',
        total_amount: 19.99,
        items: [{ sku: 'KB-MECH-01', product_name: 'Mechanical keyboard', quantity: 1, unit_price: 19.99, line_total: 19.99 }],
      });
      const payment = (await gw.get(`/payments/${placed.body.payment_id}`).set(bearer(buyer.accessToken)).expect(200)).body;
      expect(payment).toMatchObject({ order_id: placed.body.id, status: 'completed', amount: 19.99 });
      expect(await system.databases.payment.query('SELECT amount_minor::int AS amount_minor FROM payments WHERE user_id = $1', [buyer.id])).toEqual([
        { amount_minor: 1999 },
      ]);
    });
  });

  describe('Injection: SQL and script payloads in full_name, product names and descriptions are stored and returned verbatim, never executed', () => {
    const PAYLOADS = [
      "'; DROP TABLE users; --",
      '" OR 1=1 --',
      '<script>alert(1)</script>',
      '${7*7}',
      '{{7*7}}',
      '../../etc/passwd',
      'ctrl\u0001\u0002\u0007\u0008\u000b\u000c\u001b[31m\u001f\u007f end',
    ];
    const TABLES: Record<'user' | 'order' | 'payment', string[]> = { user: ['users'], order: ['orders', 'order_items', 'products'], payment: ['payments'] };
    let tablesBefore: Record<string, string[]>;
    let rowsBefore: Record<string, number>;
    const added = { users: 0, orders: 0, order_items: 0, products: 0, payments: 0 };

    const tableNames = async (db: 'user' | 'order' | 'payment') =>
      (
        await system.databases[db].query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
        )
      ).map((r) => r.table_name);
    const rowCounts = async () => {
      const counts: Record<string, number> = {};
      for (const [db, tables] of Object.entries(TABLES) as ['user' | 'order' | 'payment', string[]][]) {
        for (const table of tables) counts[table] = Number((await system.databases[db].query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
      }
      return counts;
    };

    beforeAll(async () => {
      tablesBefore = { user: await tableNames('user'), order: await tableNames('order'), payment: await tableNames('payment') };
      rowsBefore = await rowCounts();
    });

    it.each(PAYLOADS)('keeps %j verbatim as a full name (register, change, read, database)', async (payload) => {
      const name = uniqueName('inj');
      const registered = await gw
        .post('/users')
        .send({ email: `${name}@example.com`, username: name, password: 'correct-horse-battery', full_name: payload })
        .expect(201);
      added.users++;
      expect(registered.headers['content-type']).toMatch(/^application\/json/);
      expect(registered.body.full_name).toBe(payload);
      const token = (await gw.post('/users/login').send({ username: name, password: 'correct-horse-battery' }).expect(200)).body.access_token;
      await gw.patch('/users/me').set(bearer(token)).send({ full_name: 'plain' }).expect(200);
      expect((await gw.patch('/users/me').set(bearer(token)).send({ full_name: payload }).expect(200)).body.full_name).toBe(payload);
      expect((await gw.get('/users/me').set(bearer(token)).expect(200)).body.full_name).toBe(payload);
      const [row] = await system.databases.user.query<{ full_name: string }>('SELECT full_name FROM users WHERE id = $1', [registered.body.id]);
      expect(row.full_name).toBe(payload);
    });

    it.each(PAYLOADS)(
      'refuses %j as the name of no product (422 ORDER.UNKNOWN_PRODUCT), then keeps it verbatim as a product an admin adds (name, description, list, search, order, read, database)',
      async (payload) => {
        // No product has that name: the lookup finds nothing, whatever the text says.
        const unknown = await gw
          .post('/orders')
          .set(bearer(alice.accessToken))
          .send({ items: [{ product_name: payload, quantity: 2 }], payment_method: 'test_success' })
          .expect(422);
        expect(unknown.body).toMatchObject({ statusCode: 422, code: 'ORDER.UNKNOWN_PRODUCT', details: { items: [{ index: 0 }] } });

        const created = await gw
          .post('/orders/products')
          .set(bearer(adminToken))
          .send({ sku: uniqueName('INJ'), name: payload, description: payload, price: 1.5, stock_on_hand: 10 })
          .expect(201);
        added.products++;
        expect(created.headers['content-type']).toMatch(/^application\/json/);
        expect(created.body).toMatchObject({ name: payload, description: payload, price: 1.5, stock_on_hand: 10, active: true });
        const product = created.body.id as string;
        expect((await gw.get(`/orders/products/${product}`).expect(200)).body).toMatchObject({ name: payload, description: payload });
        // Searching by the payload finds that product alone: its text is matched, not run.
        const found = await gw.get(`/orders/products?search=${encodeURIComponent(payload)}`).expect(200);
        expect(found.body.map((p: { id: string; name: string; description: string }) => [p.id, p.name, p.description])).toEqual([[product, payload, payload]]);
        expect(found.headers['x-total-count']).toBe('1');

        // Ordered by its id and by its name, the order carries the name verbatim.
        for (const item of [{ product_id: product }, { product_name: payload }]) {
          const placed = await gw
            .post('/orders')
            .set(bearer(alice.accessToken))
            .send({ items: [{ ...item, quantity: 2, unit_price: 1.5 }], payment_method: 'test_success' })
            .expect(201);
          added.orders++;
          added.order_items++;
          added.payments++;
          expect(placed.body).toMatchObject({ status: 'confirmed', total_amount: 3 });
          expect(placed.body.items).toEqual([expect.objectContaining({ product_id: product, product_name: payload, quantity: 2, unit_price: 1.5 })]);
          expect((await gw.get(`/orders/${placed.body.id}`).set(bearer(alice.accessToken)).expect(200)).body.items[0].product_name).toBe(payload);
          const [row] = await system.databases.order.query<{ product_name: string }>('SELECT product_name FROM order_items WHERE order_id = $1', [
            placed.body.id,
          ]);
          expect(row.product_name).toBe(payload);
        }
        const [stored] = await system.databases.order.query<{ name: string; description: string; stock_on_hand: number }>(
          'SELECT name, description, stock_on_hand FROM products WHERE id = $1',
          [product],
        );
        expect(stored).toEqual({ name: payload, description: payload, stock_on_hand: 6 });
      },
    );

    it('gives SQL in the login the same 401 as any wrong credentials', async () => {
      for (const payload of ["'; DROP TABLE users; --", '" OR 1=1 --', "' OR '1'='1", "admin'--"]) {
        for (const body of [
          { username: payload, password: payload },
          { username: STACK_ADMIN.email, password: payload },
          { email: payload, password: 'x' },
        ]) {
          const res = await gw.post('/users/login').send(body);
          expect({ payload, status: res.status, code: res.body.code }).toEqual({ payload, status: 401, code: 'AUTH.INVALID_CREDENTIALS' });
        }
      }
    });

    it('refuses SQL in query parameters and path ids as invalid input (400)', async () => {
      const sql = encodeURIComponent("' OR 1=1 --");
      await gw.get(`/orders?status=${sql}`).set(bearer(alice.accessToken)).expect(400);
      await gw.get(`/payments?order_id=${sql}`).set(bearer(alice.accessToken)).expect(400);
      await gw
        .get(`/users?limit=${encodeURIComponent('1; DROP TABLE users')}`)
        .set(bearer(adminToken))
        .expect(400);
      await gw.get(`/orders/${sql}`).set(bearer(alice.accessToken)).expect(400);
      await gw.get(`/users/${sql}`).set(bearer(alice.accessToken)).expect(400);
    });

    it('leaves every table in place, with only the rows these tests added', async () => {
      expect({ user: await tableNames('user'), order: await tableNames('order'), payment: await tableNames('payment') }).toEqual(tablesBefore);
      expect(await eventually(rowCounts, (counts) => counts.payments === rowsBefore.payments + added.payments)).toEqual({
        users: rowsBefore.users + added.users,
        orders: rowsBefore.orders + added.orders,
        order_items: rowsBefore.order_items + added.order_items,
        products: rowsBefore.products + added.products,
        payments: rowsBefore.payments + added.payments,
      });
    });
  });

  describe('Limits: bodies over the limit get 413, password guessing gets 429 from the gateway, and no secret is ever shown or logged', () => {
    it.each(['/users', '/orders', '/payments'])('answers a 1 MB body to POST %s with 413 at the gateway, in the error shape', async (path) => {
      const res = await gw
        .post(path)
        .set(bearer(alice.accessToken))
        .set('content-type', 'application/json')
        .send(JSON.stringify({ x: 'y'.repeat(1024 * 1024) }))
        .expect(413);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.any(String), requestId: res.headers['x-request-id'] });
    });

    it('answers bodies between the service limit (100 kB) and the gateway limit with 413 from the service, every time', async () => {
      const answers: Record<string, number> = {};
      const post = async (kb: number) => {
        const res = await gw
          .post('/orders')
          .set(bearer(alice.accessToken))
          .set('content-type', 'application/json')
          .send(JSON.stringify({ x: 'y'.repeat(kb * 1024) }));
        const key = `${res.status} ${res.body.statusCode === res.status && res.body.requestId ? 'in the error shape' : 'off the error shape'}`;
        answers[key] = (answers[key] ?? 0) + 1;
      };
      // Eight at a time, as clients do: the service closing the connection races nginx still sending.
      for (let round = 0; round < 25; round++) await Promise.all(Array.from({ length: 8 }, (_, i) => post(110 + i * 18)));
      expect(answers).toEqual({ '413 in the error shape': 200 });
    });

    it('answers a URL or a header too long for the gateway, and a malformed escape, in the one error shape rather than an HTML page', async () => {
      const answers: string[] = [];
      const tooLong = 'a'.repeat(10_000);
      for (const [what, call] of [
        ['10 kB path', () => gw.get(`/orders/${tooLong}`).set(bearer(alice.accessToken))],
        ['10 kB header', () => gw.get('/orders').set(bearer(alice.accessToken)).set('x-padding', tooLong)],
        ['malformed percent escape', () => gw.get('/orders/%').set(bearer(alice.accessToken))],
      ] as const) {
        const res = await call();
        const shaped =
          /^application\/json/.test(res.headers['content-type'] ?? '') && res.body.statusCode === res.status && typeof res.body.requestId === 'string';
        if (!shaped) answers.push(`${what} → ${res.status} ${res.headers['content-type']}: ${res.text.replace(/\s+/g, ' ').slice(0, 120)}`);
      }
      expect(answers).toEqual([]);
    });

    describe('on a second gateway with the default rate limits (POST /users/login: 2 r/s, burst 5)', () => {
      let limited: TestAgent;
      let nginx: ReturnType<typeof spawn>;

      beforeAll(async () => {
        const dir = join(system.stack.gateway!.dir, '..', `limited-${Date.now()}`);
        const upstream = (app: 'user' | 'order' | 'payment') => system.stack.instances[app].map((i) => `server 127.0.0.1:${i.port};`).join(' ');
        const [port, tls, status, internal] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
        const variables = gatewayVariables(
          { GATEWAY_PORT: String(port), GATEWAY_TLS_PORT: String(tls), GATEWAY_STATUS_PORT: String(status), GATEWAY_INTERNAL_PORT: String(internal) },
          { user: upstream('user'), order: upstream('order'), payment: upstream('payment') },
          dir,
        );
        mkdirSync(dir, { recursive: true });
        nginx = spawn(findNginx()!, ['-c', renderGateway(dir, variables), '-p', dir, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
        limited = request(`http://127.0.0.1:${port}`);
        await eventually(
          () =>
            fetch(`http://127.0.0.1:${port}/health`).then(
              (r) => r.ok,
              () => false,
            ),
          (ok) => ok,
        );
      });

      afterAll(() => {
        nginx?.kill('SIGQUIT');
      });

      it('answers brute force from one address with 429 and Retry-After, and keeps refusing even the right password while limited', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) statuses.push((await limited.post('/users/login').send({ username: alice.username, password: `guess-${i}` })).status);
        expect(statuses.filter((s) => s !== 429).every((s) => s === 401)).toBe(true);
        expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
        const right = await limited.post('/users/login').send({ username: alice.username, password: alice.password }).expect(429);
        expect(right.headers['retry-after']).toBe('1');
        expect(right.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', requestId: expect.any(String) });
        expect(right.text).not.toContain('access_token');
      });
    });

    it('never shows a password, an access token or a refresh token in a response (but the one issuing it) or in any log line', async () => {
      const tag = randomBytes(6).toString('hex');
      const passwords = { first: `first-pass-${tag}`, second: `second-pass-${tag}`, wrong: `wrong-pass-${tag}` };
      const name = uniqueName('secret');
      const shown: string[] = [];
      const issued: { access_token: string; refresh_token: string }[] = [];
      const show = (res: request.Response) => {
        shown.push(`${res.status} ${JSON.stringify(res.headers)} ${res.text}`);
        return res;
      };
      const issue = (res: request.Response) => {
        issued.push(res.body);
        return res.body as { access_token: string; refresh_token: string };
      };

      show(
        await gw
          .post('/users')
          .send({ email: `${name}@example.com`, username: name, password: passwords.first, full_name: 'Secret Keeper' })
          .expect(201),
      );
      show(
        await gw
          .post('/users')
          .send({ email: `${name}@example.com`, username: name, password: passwords.first })
          .expect(409),
      );
      show(await gw.post('/users').send({ email: 'not-an-email', username: name, password: passwords.first }).expect(400));
      show(await gw.post('/users/login').send({ username: name, password: passwords.wrong }).expect(401));
      let tokens = issue(await gw.post('/users/login').send({ username: name, password: passwords.first }).expect(200));
      show(await gw.get('/users/me').set(bearer(tokens.access_token)).expect(200));
      const spent = tokens.refresh_token;
      tokens = issue(await gw.post('/users/refresh').send({ refresh_token: spent }).expect(200));
      show(await gw.patch('/users/me').set(bearer(tokens.access_token)).send({ password: passwords.second, current_password: passwords.wrong }).expect(422));
      show(await gw.patch('/users/me').set(bearer(tokens.access_token)).send({ password: passwords.second, current_password: passwords.first }).expect(200));
      tokens = issue(
        await gw
          .post('/users/login')
          .send({ email: `${name}@example.com`, password: passwords.second })
          .expect(200),
      );
      const order = show(
        await gw
          .post('/orders')
          .set(bearer(tokens.access_token))
          .set('Idempotency-Key', `secret-${tag}`)
          .send({ items: ITEMS, payment_method: 'test_success' })
          .expect(201),
      ).body;
      show(await gw.get(`/payments/${order.payment_id}`).set(bearer(tokens.access_token)).expect(200));
      show(await gw.post(`/payments/${order.payment_id}/refund`).set(bearer(tokens.access_token)).expect(200));
      show(await gw.get(`/orders/${order.id}`).set(bearer(tokens.access_token)).expect(200));
      show(await gw.get('/orders').set(bearer(tokens.access_token)).expect(200));
      show(await gw.post('/users/logout').set(bearer(tokens.access_token)).send({ refresh_token: tokens.refresh_token }).expect(204));
      show(await gw.post('/users/refresh').send({ refresh_token: tokens.refresh_token }).expect(401));
      show(await gw.post('/users/refresh').send({ refresh_token: spent }).expect(401));
      show(
        await gw
          .get('/users/me')
          .set(bearer(`${tokens.access_token}x`))
          .expect(401),
      );

      const secrets: Record<string, string> = { ...passwords };
      issued.forEach((t, i) => {
        secrets[`access token ${i + 1}`] = t.access_token;
        secrets[`access token ${i + 1} signature`] = t.access_token.split('.')[2];
        secrets[`refresh token ${i + 1}`] = t.refresh_token;
      });
      const found = (texts: string[]) =>
        Object.entries(secrets).flatMap(([what, secret]) => texts.filter((t) => t.includes(secret)).map((t) => `${what} in: ${t.slice(0, 300)}`));

      expect(found(shown)).toEqual([]);
      expect(shown.filter((t) => /\$2[aby]\$\d\d\$/.test(t))).toEqual([]);
      // nginx flushes its access log every second.
      const accessLog = join(system.stack.gateway!.dir, 'access.log');
      const lines = await eventually(
        async () => [...system.logs, ...readFileSync(accessLog, 'utf8').split('\n')],
        (all) => all.some((line) => line.includes(`/payments/${order.payment_id}/refund`) && line.includes('"client"')),
      );
      expect(lines.some((line) => line.includes(`/payments/${order.payment_id}/refund`) && line.includes('"client"'))).toBe(true);
      expect(found(lines)).toEqual([]);
      // An access token's payload is readable by anyone: it carries the identity and its session's id, nothing else.
      for (const t of issued) expect(Object.keys(claimsOf(t.access_token)).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'role', 'sid', 'sub', 'typ']);
    });
  });
});
