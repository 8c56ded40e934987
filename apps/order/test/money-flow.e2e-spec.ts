import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin } from '../../../test/support/accounts';
import { ADMIN, CheckoutSystem, startCheckoutSystem } from '../../../test/support/checkout-system';
import { freePort } from '../../../test/support/spawned-service';
import { signServiceToken } from '../../../test/support/tokens';
import { eventually } from '../../../test/support/eventually';

const ITEMS = [{ product_name: 'Mechanical keyboard', quantity: 3, unit_price: 19.99 }];
const TOTAL = 59.97;

/**
 * The HTTP edge between the order service and the payment service. `lose` passes a charge to the
 * payment service and then cuts the connection before its reply reaches the order service (what a
 * process or network dying mid-checkout leaves behind); `drop` cuts it before the payment service sees it.
 */
interface PaymentEdge {
  url: string;
  target: string;
  mode: 'pass' | 'lose' | 'drop';
  close(): Promise<void>;
}

async function startPaymentEdge(): Promise<PaymentEdge> {
  const port = await freePort();
  const edge: PaymentEdge & { server?: Server } = { url: `http://127.0.0.1:${port}`, target: '', mode: 'pass', close: async () => undefined };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((req, res) => {
    const isCharge = req.method === 'POST' && req.url === '/payments';
    const mode = isCharge ? edge.mode : 'pass';
    void readBody(req).then((body) => {
      if (mode === 'drop') return req.socket.destroy();
      const target = new URL(req.url!, edge.target);
      const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          if (mode === 'lose') return req.socket.destroy();
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  edge.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return edge;
}

describe('money flow between orders and payments (issue 11)', () => {
  let edge: PaymentEdge;
  let system: CheckoutSystem;
  let users: TestAgent;
  let payments: TestAgent;
  let orders: TestAgent;
  let jane: Account;
  let adminToken: string;

  beforeAll(async () => {
    edge = await startPaymentEdge();
    system = await startCheckoutSystem({
      orderEnv: {
        PAYMENT_SERVICE_URL: edge.url,
        PAYMENT_SERVICE_TIMEOUT_MS: '1000',
        SERVICE_CALL_RETRIES: '1',
        BREAKER_THRESHOLD: '100',
        RECONCILE_INTERVAL_MS: '300',
        RECONCILE_SETTLE_AFTER_MS: '1000',
        RECONCILE_REVERIFY_AFTER_MS: '1000',
      },
    });
    edge.target = `http://127.0.0.1:${system.paymentPort}`;
    users = request(system.user.url);
    payments = request(system.payment!.url);
    orders = system.order.http;
    jane = await registerAndLogin(users);
    adminToken = (await users.post('/users/login').send({ email: ADMIN.email, password: ADMIN.password }).expect(200)).body.access_token;
  });

  afterEach(() => {
    edge.mode = 'pass';
  });

  afterAll(async () => {
    await system?.close();
    await edge?.close();
  });

  const place = async (account: Account, paymentMethod = 'test_success', headers: Record<string, string> = {}) =>
    (await orders.post('/orders').set(bearer(account.accessToken)).set(headers).send({ items: ITEMS, payment_method: paymentMethod }).expect(201)).body;
  const orderOf = async (account: Account, id: string) => (await orders.get(`/orders/${id}`).set(bearer(account.accessToken)).expect(200)).body;
  const paymentsOf = async (account: Account, orderId: string) =>
    (await payments.get(`/payments?order_id=${orderId}`).set(bearer(account.accessToken)).expect(200)).body as { id: string; status: string; amount: number }[];
  const shipAndDeliver = async (orderId: string) => {
    await orders.patch(`/orders/${orderId}/status`).set(bearer(adminToken)).send({ status: 'shipped' }).expect(200);
    await orders.patch(`/orders/${orderId}/status`).set(bearer(adminToken)).send({ status: 'delivered' }).expect(200);
  };

  describe('defect 3: refunds follow the order’s state machine', () => {
    it('refuses a buyer’s refund of a shipped order with 409, and changes neither the order nor the payment', async () => {
      const placed = await place(jane);
      await orders.patch(`/orders/${placed.id}/status`).set(bearer(adminToken)).send({ status: 'shipped' }).expect(200);
      const res = await payments.post(`/payments/${placed.payment_id}/refund`).set(bearer(jane.accessToken));
      expect({ status: res.status, code: res.body.code, order_status: res.body.details?.status }).toEqual({
        status: 409,
        code: 'ORDER.NOT_REFUNDABLE',
        order_status: 'shipped',
      });
      await new Promise((r) => setTimeout(r, 300));
      expect((await orderOf(jane, placed.id)).status).toBe('shipped');
      expect((await payments.get(`/payments/${placed.payment_id}`).set(bearer(jane.accessToken)).expect(200)).body.status).toBe('completed');
    });

    it('refuses a buyer’s refund of a delivered order', async () => {
      const placed = await place(jane);
      await shipAndDeliver(placed.id);
      await payments.post(`/payments/${placed.payment_id}/refund`).set(bearer(jane.accessToken)).expect(409);
      expect((await orderOf(jane, placed.id)).status).toBe('delivered');
    });

    it('lets an admin refund someone’s delivered order: the payment and the order end refunded', async () => {
      const placed = await place(jane);
      await shipAndDeliver(placed.id);
      const res = await payments.post(`/payments/${placed.payment_id}/refund`).set(bearer(adminToken)).expect(200);
      expect(res.body).toMatchObject({ id: placed.payment_id, status: 'refunded', user_id: jane.id });
      const order = await orderOf(jane, placed.id);
      expect(order.status).toBe('refunded');
    });

    it('lets the buyer refund a confirmed order: the order shows refunded', async () => {
      const placed = await place(jane);
      await payments.post(`/payments/${placed.payment_id}/refund`).set(bearer(jane.accessToken)).expect(200);
      expect(
        (
          await eventually(
            () => orderOf(jane, placed.id),
            (o) => o.status === 'refunded',
            { timeoutMs: 15_000 },
          )
        ).status,
      ).toBe('refunded');
    });
  });

  describe('defect 4: an order is confirmed only against a completed, unrefunded, exact payment', () => {
    const refundedOrder = async (headers: Record<string, string> = {}) => {
      const placed = await place(jane, 'test_success', headers);
      await payments.post(`/payments/${placed.payment_id}/refund`).set(bearer(jane.accessToken)).expect(200);
      await eventually(
        () => orderOf(jane, placed.id),
        (o) => o.status === 'refunded',
        { timeoutMs: 15_000 },
      );
      return placed;
    };

    it('does not confirm a retried order whose replayed payment was refunded', async () => {
      const key = `refunded-replay-${randomUUID()}`;
      const placed = await refundedOrder({ 'Idempotency-Key': key });
      // What a process killed between its charge and recording it leaves, after the payment was refunded.
      await system.databases.order.query(
        "UPDATE orders SET status = 'pending', payment_id = NULL, status_reason = NULL, created_at = now() - interval '1 minute' WHERE id = $1",
        [placed.id],
      );
      const retried = await orders
        .post('/orders')
        .set(bearer(jane.accessToken))
        .set('Idempotency-Key', key)
        .send({ items: ITEMS, payment_method: 'test_success' })
        .expect(201);
      expect(retried.body.status).not.toBe('confirmed');
      expect(
        (
          await eventually(
            () => orderOf(jane, placed.id),
            (o) => o.status !== 'pending',
            { timeoutMs: 15_000 },
          )
        ).status,
      ).toBe('cancelled');
    });

    it('does not confirm an order on a 409 "already paid" whose payment was refunded', async () => {
      const placed = await refundedOrder();
      await system.databases.order.query("UPDATE orders SET status = 'payment_failed', payment_id = NULL WHERE id = $1", [placed.id]);
      const paid = await orders.post(`/orders/${placed.id}/pay`).set(bearer(jane.accessToken)).send({ payment_method: 'test_success' });
      expect(paid.body.status).not.toBe('confirmed');
      expect((await orderOf(jane, placed.id)).status).not.toBe('confirmed');
    });

    it('answers a refund event for a pending order with a retryable 409, and 404 only for an unknown order', async () => {
      edge.mode = 'lose';
      const placed = await place(jane);
      expect(placed.status).toBe('pending');
      const token = signServiceToken('payment');
      const event = (orderId: string) => ({
        id: randomUUID(),
        type: 'payment.refunded',
        payment_id: randomUUID(),
        order_id: orderId,
        user_id: jane.id,
        occurred_at: new Date().toISOString(),
      });
      const early = await orders.post('/orders/internal/payment-events').set(bearer(token)).send(event(placed.id));
      expect([409, 503]).toContain(early.status);
      await orders.post('/orders/internal/payment-events').set(bearer(token)).send(event(randomUUID())).expect(404);
    });
  });

  describe('defect 5: the reconciler brings orders and payments into agreement', () => {
    it('confirms a pending order whose charge reply was lost, against its exact completed payment', async () => {
      edge.mode = 'lose';
      const placed = await place(jane);
      edge.mode = 'pass';
      expect(placed).toMatchObject({ status: 'pending', payment_id: null });
      const [payment] = await paymentsOf(jane, placed.id);
      expect(payment).toMatchObject({ status: 'completed', amount: TOTAL });
      const order = await eventually(
        () => orderOf(jane, placed.id),
        (o) => o.status !== 'pending',
        { timeoutMs: 15_000 },
      );
      expect(order).toMatchObject({ status: 'confirmed', payment_id: payment.id, status_reason: null });
    });

    it('refunds the payment of an order cancelled while its charge reply was lost', async () => {
      edge.mode = 'lose';
      const placed = await place(jane);
      edge.mode = 'pass';
      await orders.patch(`/orders/${placed.id}/status`).set(bearer(jane.accessToken)).send({ status: 'cancelled' }).expect(200);
      const after = await eventually(
        () => paymentsOf(jane, placed.id),
        (list) => list[0]?.status === 'refunded',
        { timeoutMs: 15_000 },
      );
      expect(after.map((p) => p.status)).toEqual(['refunded']);
      expect((await orderOf(jane, placed.id)).status).toBe('cancelled');
    });

    it('gives a pending order without any payment a clear reason, and it stays payable', async () => {
      edge.mode = 'drop';
      const placed = await place(jane);
      edge.mode = 'pass';
      // The request that placed it died before it could say why the order is pending.
      await system.databases.order.query('UPDATE orders SET status_reason = NULL WHERE id = $1', [placed.id]);
      const order = await eventually(
        () => orderOf(jane, placed.id),
        (o) => o.status_reason !== null,
        { timeoutMs: 15_000 },
      );
      expect(order).toMatchObject({ status: 'pending', status_reason: expect.stringMatching(/no payment/i) });
      expect(await paymentsOf(jane, placed.id)).toEqual([]);
      const paid = await orders.post(`/orders/${placed.id}/pay`).set(bearer(jane.accessToken)).send({}).expect(200);
      expect(paid.body).toMatchObject({ status: 'confirmed', status_reason: null });
    });

    it('marks refunded a delivered order whose payment was refunded without the order recording it', async () => {
      const placed = await place(jane);
      await shipAndDeliver(placed.id);
      const deliveredToOrders = async () =>
        Number(
          /service_calls_total\{target="order",outcome="success",service="payment"\} (\d+)/.exec((await payments.get('/metrics').expect(200)).text)?.[1] ?? 0,
        );
      const before = await deliveredToOrders();
      await payments.post(`/payments/${placed.payment_id}/refund`).set(bearer(adminToken)).expect(200);
      // The order service allowed the refund and then received its event: nothing else will tell it.
      await eventually(deliveredToOrders, (calls) => calls >= before + 2, { timeoutMs: 15_000 });
      // An order row that lost the refund (restored from before it, say), in the order service's own database.
      await system.databases.order.query("UPDATE orders SET status = 'delivered', status_reason = NULL WHERE id = $1", [placed.id]);
      expect((await orderOf(jane, placed.id)).status).toBe('delivered');
      const order = await eventually(
        () => orderOf(jane, placed.id),
        (o) => o.status === 'refunded',
        { timeoutMs: 15_000 },
      );
      expect(order.status).toBe('refunded');
    });

    it('counts what it found, by kind, in a Prometheus counter', async () => {
      const metrics = (await orders.get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/order_reconciliation_findings_total\{kind="pending_paid",service="order"\} [1-9]/);
      expect(metrics).toMatch(/order_reconciliation_findings_total\{kind="unrefunded_payment",service="order"\} [1-9]/);
      expect(metrics).toMatch(/order_reconciliation_findings_total\{kind="refunded_payment",service="order"\} [1-9]/);
    });
  });

  describe('defect 7: POST /payments with the buyer’s own token pays the order like POST /orders/{id}/pay', () => {
    it('pays the caller’s unpaid order for its exact total: 201 with the payment, and the order is confirmed', async () => {
      const declined = await place(jane, 'test_decline');
      const res = await payments.post('/payments').set(bearer(jane.accessToken)).send({ order_id: declined.id, amount: TOTAL, payment_method: 'test_success' });
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 201,
        body: { order_id: declined.id, user_id: jane.id, amount: TOTAL, status: 'completed', payment_method: 'test_success' },
      });
      const order = await orderOf(jane, declined.id);
      expect(order).toMatchObject({ status: 'confirmed', payment_id: res.body.id });
      expect((await paymentsOf(jane, declined.id)).filter((p) => p.status === 'completed')).toHaveLength(1);
    });

    it('refuses another amount with 422 naming the total, an already paid order with 409, and someone else’s or an unknown order with 404', async () => {
      const declined = await place(jane, 'test_decline');
      const wrong = await payments.post('/payments').set(bearer(jane.accessToken)).send({ order_id: declined.id, amount: 60, payment_method: 'test_success' });
      expect({ status: wrong.status, expected: wrong.body.details?.expected_total }).toEqual({ status: 422, expected: TOTAL });
      const paid = await place(jane);
      await payments.post('/payments').set(bearer(jane.accessToken)).send({ order_id: paid.id, amount: TOTAL, payment_method: 'test_success' }).expect(409);
      const mallory = await registerAndLogin(users);
      const theirs = await payments
        .post('/payments')
        .set(bearer(mallory.accessToken))
        .send({ order_id: declined.id, amount: TOTAL, payment_method: 'test_success' })
        .expect(404);
      const unknown = await payments
        .post('/payments')
        .set(bearer(mallory.accessToken))
        .send({ order_id: randomUUID(), amount: TOTAL, payment_method: 'test_success' })
        .expect(404);
      expect({ ...theirs.body, requestId: '' }).toEqual({ ...unknown.body, requestId: '' });
      expect((await orderOf(jane, declined.id)).status).toBe('payment_failed');
    });
  });
});
