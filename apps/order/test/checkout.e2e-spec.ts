import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin } from '../../../test/support/accounts';
import { ADMIN, CheckoutSystem, startCheckoutSystem } from '../../../test/support/checkout-system';
import { eventually } from '../../../test/support/eventually';
import { seriesValue } from '../../../test/support/prometheus-text';

const ITEMS = [{ product_name: 'Mechanical keyboard', quantity: 3, unit_price: 19.99 }];

describe('order service: checkout across the three services', () => {
  let system: CheckoutSystem;
  let users: TestAgent;
  let payments: TestAgent;
  let orders: TestAgent;
  let jane: Account;

  beforeAll(async () => {
    system = await startCheckoutSystem();
    users = request(system.user.url);
    payments = request(system.payment!.url);
    orders = system.order.http;
    jane = await registerAndLogin(users);
  });

  afterAll(async () => {
    await system?.close();
  });

  const completedPayments = async (orderId: string) => {
    const captured = (await system.paymentsOf(orderId, jane.accessToken)).filter((p) => p.status === 'completed' || p.status === 'refunded');
    return [{ count: String(captured.length) }];
  };

  describe('POST /orders', () => {
    it("asks the user service about the buyer once per checkout: the guard's account check is the checkout's", async () => {
      const userCalls = async () => seriesValue((await orders.get('/metrics').expect(200)).text, 'service_calls_total', { target: 'user' });
      const before = await userCalls();
      await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      expect((await userCalls()) - before).toBe(1);
    });

    it('places, charges and confirms an order with an exact total', async () => {
      const res = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      expect(res.body).toMatchObject({
        user_id: jane.id,
        status: 'confirmed',
        status_reason: null,
        total_amount: 59.97,
        currency: 'USD',
        payment_method: 'test_success',
        payment_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        items: [{ product_name: 'Mechanical keyboard', quantity: 3, unit_price: 19.99, line_total: 59.97 }],
      });
      expect(res.text).toContain('"total_amount":59.97');
      const [payment] = await system.paymentsOf(res.body.id, jane.accessToken);
      expect(payment).toMatchObject({ id: res.body.payment_id, amount: 59.97, status: 'completed', user_id: jane.id });
      const [row] = await system.databases.order.query<{ total_minor: string }>('SELECT total_minor FROM orders WHERE id = $1', [res.body.id]);
      expect(row.total_minor).toBe('5997');
    });

    it("accepts the original system's item spelling (name, price) and sums exactly", async () => {
      const res = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .send({
          items: [
            { name: 'Pen', quantity: 10, price: '0.10' },
            { name: 'Ink', quantity: 1, price: 0.2 },
          ],
          currency: 'usd',
          payment_method: 'test_success',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        total_amount: 1.2,
        currency: 'USD',
        items: [
          { product_name: 'Pen', unit_price: 0.1, line_total: 1 },
          { product_name: 'Ink', line_total: 0.2 },
        ],
      });
    });

    it('prices a yen product in whole yen, and names its price in yen when the client expected 19.99', async () => {
      const items = [{ sku: 'TEA-JP', quantity: 2, unit_price: 19.99 }];
      const res = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items, currency: 'JPY', payment_method: 'test_success' }).expect(422);
      expect(res.body).toMatchObject({
        code: 'ORDER.PRICE_CHANGED',
        message: 'The price changed: Matcha now costs 1999 JPY. Send the order again with the current price',
      });
      const whole = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .send({ items: [{ sku: 'TEA-JP', quantity: 2 }], payment_method: 'test_success' })
        .expect(201);
      expect(whole.body).toMatchObject({ status: 'confirmed', total_amount: 3998, currency: 'JPY' });
    });

    it('refuses a 3-decimal currency (KWD) clearly', async () => {
      const res = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, currency: 'KWD' }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'currency', messages: ['currency KWD has 3 decimals; only currencies with 0 or 2 decimals are accepted'] }]);
    });

    it('marks a declined payment payment_failed with the reason', async () => {
      const res = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_decline' }).expect(201);
      expect(res.body).toMatchObject({ status: 'payment_failed', status_reason: expect.stringMatching(/declined/i), payment_id: expect.any(String) });
    });

    it('accepts a matching total_amount and refuses a different one with 422', async () => {
      await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, total_amount: 59.97, payment_method: 'test_success' }).expect(201);
      const res = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, total_amount: 59.970000000000006 }).expect(400);
      expect(res.body.errors[0].field).toBe('total_amount');
      const mismatch = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, total_amount: 60 }).expect(422);
      expect(mismatch.body).toMatchObject({ code: 'ORDER.TOTAL_MISMATCH', message: 'total_amount does not match the items: the total is 59.97 USD' });
    });

    it.each([
      [{ items: [] }, 'items', 'items must be an array of 1 to 100 items'],
      [{ items: Array.from({ length: 101 }, () => ITEMS[0]) }, 'items', 'items must be an array of 1 to 100 items'],
      [{}, 'items', 'items must be an array of 1 to 100 items'],
      [{ items: [{ product_name: 'X', quantity: 0, unit_price: 1 }] }, 'items.0.quantity', 'items.0.quantity must be an integer between 1 and 10000'],
      [{ items: [{ product_name: 'X', quantity: 1.5, unit_price: 1 }] }, 'items.0.quantity', 'items.0.quantity must be an integer between 1 and 10000'],
      [{ items: [{ product_name: 'X', quantity: 10001, unit_price: 1 }] }, 'items.0.quantity', 'items.0.quantity must be an integer between 1 and 10000'],
      [
        { items: [{ product_name: 'X', quantity: 1, unit_price: 0 }] },
        'items.0.unit_price',
        'items.0.unit_price must be a number greater than 0 and at most 1000000 with at most 2 decimals',
      ],
      [
        { items: [{ product_name: 'X', quantity: 1, unit_price: -5 }] },
        'items.0.unit_price',
        'items.0.unit_price must be a number greater than 0 and at most 1000000 with at most 2 decimals',
      ],
      [
        { items: [{ product_name: 'X', quantity: 1, unit_price: 1.999 }] },
        'items.0.unit_price',
        'items.0.unit_price must be a number greater than 0 and at most 1000000 with at most 2 decimals',
      ],
      [
        { items: [{ product_name: 'X', quantity: 1, unit_price: 1000000.01 }] },
        'items.0.unit_price',
        'items.0.unit_price must be a number greater than 0 and at most 1000000 with at most 2 decimals',
      ],
      [
        { items: [{ product_name: 'X', quantity: 1, unit_price: 'abc' }] },
        'items.0.unit_price',
        'items.0.unit_price must be a number greater than 0 and at most 1000000 with at most 2 decimals',
      ],
      [
        { items: [{ quantity: 1, unit_price: 1 }] },
        'items.0.product_id',
        'items.0.product_id must be a UUID (an item names its product by product_id, sku or product_name)',
      ],
      [
        { items: [{ product_id: 'keyboard', quantity: 1 }] },
        'items.0.product_id',
        'items.0.product_id must be a UUID (an item names its product by product_id, sku or product_name)',
      ],
      [{ items: [{ sku: '', quantity: 1 }] }, 'items.0.sku', 'items.0.sku must be 1 to 64 characters'],
      [{ items: [{ product_name: '', quantity: 1, unit_price: 1 }] }, 'items.0.product_name', 'items.0.product_name must be 1 to 200 characters'],
      [{ items: ITEMS, currency: 'XYZ' }, 'currency', 'currency must be an ISO 4217 code such as USD or EUR'],
      [
        { items: ITEMS, payment_method: 'cash' },
        'payment_method',
        'payment_method must be one of credit_card, debit_card, paypal, bank_transfer, test_success, test_decline',
      ],
      [{ items: ITEMS, user_id: '6f1c2f5e-8a4b-4c7e-9a59-2f4f7d1f0b6a' }, 'user_id', 'property user_id should not exist'],
    ])('refuses %j with 400 naming %s', async (body, field, message) => {
      const res = await orders.post('/orders').set(bearer(jane.accessToken)).send(body).expect(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, messages: expect.arrayContaining([message]) }]));
    });

    it('refuses 1e309 sent as a raw JSON number', async () => {
      const res = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .set('content-type', 'application/json')
        .send('{"items":[{"product_name":"X","quantity":1,"unit_price":1e309}]}')
        .expect(400);
      expect(res.body.errors[0].field).toBe('items.0.unit_price');
    });

    it('requires a token', async () => {
      const res = await orders.post('/orders').send({ items: ITEMS }).expect(401);
      expect(res.body.code).toBe('AUTH.TOKEN_MISSING');
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the first order for a repeated key, with no second order or charge', async () => {
      const key = `checkout-${Date.now()}`;
      const first = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .set('Idempotency-Key', key)
        .send({ items: ITEMS, payment_method: 'test_success' })
        .expect(201);
      const again = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .set('Idempotency-Key', key)
        .send({ items: ITEMS, payment_method: 'test_success' })
        .expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const rows = await system.databases.order.query('SELECT id FROM orders WHERE idempotency_key = $1', [key]);
      expect(rows).toHaveLength(1);
      expect(await completedPayments(first.body.id)).toEqual([{ count: '1' }]);
    });

    it('refuses the same key with a different body with 422', async () => {
      const key = `checkout-diff-${Date.now()}`;
      await orders.post('/orders').set(bearer(jane.accessToken)).set('Idempotency-Key', key).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      const res = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .set('Idempotency-Key', key)
        .send({ items: [{ ...ITEMS[0], quantity: 4 }], payment_method: 'test_success' })
        .expect(422);
      expect(res.body.code).toBe('ORDER.IDEMPOTENCY_KEY_REUSED');
    });

    it('keeps keys per user', async () => {
      const other = await registerAndLogin(users);
      const key = `shared-key-${Date.now()}`;
      const a = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .set('Idempotency-Key', key)
        .send({ items: ITEMS, payment_method: 'test_success' })
        .expect(201);
      const b = await orders
        .post('/orders')
        .set(bearer(other.accessToken))
        .set('Idempotency-Key', key)
        .send({ items: ITEMS, payment_method: 'test_success' })
        .expect(201);
      expect(b.body.id).not.toBe(a.body.id);
    });

    it('places one order and one payment for 20 concurrent requests with one key', async () => {
      const key = `concurrent-${Date.now()}`;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          orders.post('/orders').set(bearer(jane.accessToken)).set('Idempotency-Key', key).send({ items: ITEMS, payment_method: 'test_success' }),
        ),
      );
      expect(responses.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([]);
      const ids = new Set(responses.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      expect(responses.every((r) => r.body.status === 'confirmed')).toBe(true);
      const [orderId] = ids;
      expect(await system.databases.order.query('SELECT id FROM orders WHERE idempotency_key = $1', [key])).toHaveLength(1);
      expect(await system.paymentsOf(orderId as string, jane.accessToken)).toHaveLength(1);
    });

    it('finishes an order whose first request died mid-charge, without charging it twice', async () => {
      const key = `abandoned-${Date.now()}`;
      const first = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .set('Idempotency-Key', key)
        .send({ items: ITEMS, payment_method: 'test_success' })
        .expect(201);
      // What a process killed between the charge and recording it leaves behind, past the charge window.
      await system.databases.order.query(
        "UPDATE orders SET status = 'pending', payment_id = NULL, status_reason = NULL, created_at = now() - interval '1 minute' WHERE id = $1",
        [first.body.id],
      );
      const retried = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .set('Idempotency-Key', key)
        .send({ items: ITEMS, payment_method: 'test_success' })
        .expect(201);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body).toMatchObject({ id: first.body.id, status: 'confirmed', payment_id: first.body.payment_id });
      expect(await completedPayments(first.body.id)).toEqual([{ count: '1' }]);
    });

    it('refuses a malformed key', async () => {
      const res = await orders.post('/orders').set(bearer(jane.accessToken)).set('Idempotency-Key', 'x'.repeat(256)).send({ items: ITEMS }).expect(400);
      expect(res.body.errors[0].field).toBe('Idempotency-Key');
    });
  });

  describe('POST /orders/:id/pay', () => {
    it('retries a declined order with another method, then refuses to pay it again', async () => {
      const declined = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_decline' }).expect(201);
      const paid = await orders.post(`/orders/${declined.body.id}/pay`).set(bearer(jane.accessToken)).send({ payment_method: 'test_success' }).expect(200);
      expect(paid.body).toMatchObject({ status: 'confirmed', payment_method: 'test_success', status_reason: null });
      expect(paid.body.payment_id).not.toBe(declined.body.payment_id);
      const again = await orders.post(`/orders/${declined.body.id}/pay`).set(bearer(jane.accessToken)).send({}).expect(409);
      expect(again.body).toMatchObject({ code: 'ORDER.NOT_PAYABLE' });
      expect(await completedPayments(declined.body.id)).toEqual([{ count: '1' }]);
    });

    it('makes at most one completed payment from 20 concurrent retries', async () => {
      const declined = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_decline' }).expect(201);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => orders.post(`/orders/${declined.body.id}/pay`).set(bearer(jane.accessToken)).send({ payment_method: 'test_success' })),
      );
      expect(responses.every((r) => [200, 409].includes(r.status))).toBe(true);
      expect(responses.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(await completedPayments(declined.body.id)).toEqual([{ count: '1' }]);
      const final = await orders.get(`/orders/${declined.body.id}`).set(bearer(jane.accessToken)).expect(200);
      expect(final.body.status).toBe('confirmed');
    });
  });

  describe('reading orders', () => {
    it("answers 404 for someone else's order, exactly as for a missing one", async () => {
      const mine = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_decline' }).expect(201);
      const mallory = await registerAndLogin(users);
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const [method, path, body] of [
        ['get', `/orders/${mine.body.id}`, undefined],
        ['post', `/orders/${mine.body.id}/pay`, {}],
        ['patch', `/orders/${mine.body.id}/status`, { status: 'cancelled' }],
      ] as const) {
        const theirs = await orders[method](path).set(bearer(mallory.accessToken)).send(body).expect(404);
        const none = await orders[method](path.replace(mine.body.id, missing)).set(bearer(mallory.accessToken)).send(body).expect(404);
        expect({ ...theirs.body, requestId: '' }).toEqual({ ...none.body, requestId: '' });
      }
      const payment = await payments.get(`/payments/${mine.body.payment_id}`).set(bearer(mallory.accessToken)).expect(404);
      expect(payment.body.statusCode).toBe(404);
    });

    it('lists the caller’s orders newest first, filtered and paged, with X-Total-Count', async () => {
      const buyer = await registerAndLogin(users);
      const placed = [];
      for (const method of ['test_success', 'test_decline', 'test_success']) {
        placed.push((await orders.post('/orders').set(bearer(buyer.accessToken)).send({ items: ITEMS, payment_method: method }).expect(201)).body);
      }
      const all = await orders.get('/orders').set(bearer(buyer.accessToken)).expect(200);
      expect(all.headers['x-total-count']).toBe('3');
      expect(all.body.map((o: { id: string }) => o.id)).toEqual(placed.map((o) => o.id).reverse());
      expect(all.body[0].items).toHaveLength(1);
      const confirmed = await orders.get('/orders?status=confirmed&limit=1&skip=1').set(bearer(buyer.accessToken)).expect(200);
      expect(confirmed.headers['x-total-count']).toBe('2');
      expect(confirmed.body.map((o: { id: string }) => o.id)).toEqual([placed[0].id]);
      await orders.get('/orders?status=lost').set(bearer(buyer.accessToken)).expect(400);
    });
  });

  describe('order status', () => {
    const adminToken = async () =>
      (await users.post('/users/login').send({ email: ADMIN.email, password: ADMIN.password }).expect(200)).body.access_token as string;

    it('lets an admin ship then deliver a confirmed order, and no one else', async () => {
      const placed = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      const denied = await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(jane.accessToken)).send({ status: 'shipped' }).expect(409);
      expect(denied.body).toMatchObject({
        code: 'ORDER.TRANSITION_NOT_ALLOWED',
        message: 'Cannot move this order from confirmed to shipped (allowed: cancelled)',
        details: { allowed: ['cancelled'] },
      });
      const admin = await adminToken();
      await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(admin)).send({ status: 'shipped' }).expect(200);
      const delivered = await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(admin)).send({ status: 'delivered' }).expect(200);
      expect(delivered.body.status).toBe('delivered');
      const back = await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(admin)).send({ status: 'shipped' }).expect(409);
      expect(back.body.details.allowed).toEqual([]);
    });

    it('cancels a confirmed order by refunding its payment first', async () => {
      const placed = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      const res = await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(jane.accessToken)).send({ status: 'cancelled' });
      expect(res.body).toMatchObject({ status: 'cancelled' });
      expect(res.body.status).toBe('cancelled');
      const [payment] = await system.paymentsOf(placed.body.id, jane.accessToken);
      expect(payment).toMatchObject({ id: placed.body.payment_id, status: 'refunded' });
      await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(jane.accessToken)).send({ status: 'cancelled' }).expect(409);
    });

    it('cancels a declined order without any refund', async () => {
      const placed = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_decline' }).expect(201);
      await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(jane.accessToken)).send({ status: 'cancelled' }).expect(200);
      await orders.post(`/orders/${placed.body.id}/pay`).set(bearer(jane.accessToken)).send({}).expect(409);
    });

    it.each(['refunded', 'confirmed', 'pending'])('never lets a client set %s by hand', async (status) => {
      const placed = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      await orders
        .patch(`/orders/${placed.body.id}/status`)
        .set(bearer(await adminToken()))
        .send({ status })
        .expect(409);
      const res = await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(jane.accessToken)).send({ status }).expect(409);
      expect(res.body.code).toBe('ORDER.TRANSITION_NOT_ALLOWED');
    });

    it('refuses an unknown status with 400', async () => {
      const placed = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      const res = await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(jane.accessToken)).send({ status: 'teleported' }).expect(400);
      expect(res.body.errors[0].messages[0]).toMatch(/^status must be one of pending, confirmed/);
    });
  });

  describe('refunds at the payment service', () => {
    it('shows the order refunded once the payment is refunded, and exactly one of 20 concurrent refunds succeeds', async () => {
      const placed = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      const refunds = await Promise.all(
        Array.from({ length: 20 }, () => payments.post(`/payments/${placed.body.payment_id}/refund`).set(bearer(jane.accessToken))),
      );
      expect(refunds.filter((r) => r.status === 200)).toHaveLength(1);
      expect(refunds.filter((r) => r.status === 409)).toHaveLength(19);
      const order = await eventually(
        async () => (await orders.get(`/orders/${placed.body.id}`).set(bearer(jane.accessToken))).body,
        (o) => o.status === 'refunded',
      );
      expect(order.status).toBe('refunded');
      await orders.patch(`/orders/${placed.body.id}/status`).set(bearer(jane.accessToken)).send({ status: 'cancelled' }).expect(409);
    });

    it('refuses the internal payment-event endpoint to clients', async () => {
      const placed = await orders.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      const res = await orders
        .post('/orders/internal/payment-events')
        .set(bearer(jane.accessToken))
        .send({
          id: placed.body.id,
          type: 'payment.refunded',
          payment_id: placed.body.payment_id,
          order_id: placed.body.id,
          user_id: jane.id,
          occurred_at: new Date().toISOString(),
        })
        .expect(401);
      expect(res.body.code).toBe('AUTH.SERVICE_TOKEN_REQUIRED');
      const order = await orders.get(`/orders/${placed.body.id}`).set(bearer(jane.accessToken)).expect(200);
      expect(order.body.status).toBe('confirmed');
    });
  });

  describe('docs', () => {
    it('documents every endpoint under /orders with examples and error responses', async () => {
      const spec = (await orders.get('/orders/openapi.json').expect(200)).body;
      expect(Object.keys(spec.paths).sort()).toEqual([
        '/orders',
        '/orders/health',
        '/orders/health/live',
        '/orders/products',
        '/orders/products/{id}',
        '/orders/products/{id}/restock',
        '/orders/{id}',
        '/orders/{id}/pay',
        '/orders/{id}/status',
      ]);
      expect(spec.paths['/orders'].post.responses).toHaveProperty('503');
      expect(spec.paths['/orders/{id}/status'].patch.responses).toHaveProperty('409');
      expect(spec.components.schemas.OrderItemDto.properties.unit_price.example).toBe(19.99);
      await orders.get('/orders/docs').expect(200);
    });
  });
});
