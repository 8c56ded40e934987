import type { ServiceTokenClaims } from '@app/auth';
import { randomUUID } from 'node:crypto';
import { bearer } from '../../../test/support/accounts';
import type { ServiceUnderTest } from '../../../test/support/service-under-test';
import type { TestDatabase } from '../../../test/support/test-database';
import { eventually } from '../../../test/support/eventually';
import { FakeOrderService, startFakeOrderService } from './helpers/fake-order-service';
import { PaymentUnderTest, startPaymentUnderTest } from './helpers/payment-under-test';
import { newPayer, Payer, verifyToken, orderServiceHeader } from './helpers/tokens';

interface EventRow {
  id: string;
  type: string;
  payment_id: string;
  order_id: string;
  user_id: string;
  delivered_at: Date | null;
  attempts: number;
  last_error: string | null;
}

describe('payment service: refunds and telling the order service', () => {
  let payment: PaymentUnderTest;
  let db: TestDatabase;
  let svc: ServiceUnderTest;
  let orders: FakeOrderService;

  beforeAll(async () => {
    orders = await startFakeOrderService();
    payment = await startPaymentUnderTest({
      ORDER_SERVICE_URL: orders.url,
      PAYMENT_EVENTS_CLEANUP_INTERVAL_MS: '200',
      PAYMENT_EVENTS_RETENTION_HOURS: '1',
    });
    ({ db, svc } = payment);
  });

  afterAll(async () => {
    await payment?.close();
    await orders?.close();
  });

  const paid = async (payer: Payer, paymentMethod = 'test_success') =>
    (
      await svc.http
        .post('/payments')
        .set(bearer(payer.token))
        .set(orderServiceHeader())
        .send({ order_id: randomUUID(), amount: 42.5, payment_method: paymentMethod })
        .expect(201)
    ).body;
  const refund = (payer: Payer, id: string) => svc.http.post(`/payments/${id}/refund`).set(bearer(payer.token));
  const eventsOf = (paymentId: string) => db.query<EventRow>('SELECT * FROM payment_events WHERE payment_id = $1', [paymentId]);
  const delivered = (paymentId: string) => eventually(async () => (await eventsOf(paymentId)).find((e) => e.delivered_at !== null));

  describe('POST /payments/:id/refund', () => {
    it('refunds a completed payment: 200 with status refunded and refunded_at', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      const res = await refund(payer, payment.id).expect(200);
      expect(res.body).toEqual({ ...payment, status: 'refunded', refunded_at: expect.any(String), updated_at: expect.any(String) });
      expect(Date.parse(res.body.refunded_at)).toBeGreaterThanOrEqual(Date.parse(payment.created_at));
      const shown = await svc.http.get(`/payments/${payment.id}`).set(bearer(payer.token)).expect(200);
      expect(shown.body).toEqual(res.body);
    });

    it('refunds a completed payment exactly once under 20 concurrent requests', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      const results = await Promise.all(Array.from({ length: 20 }, () => refund(payer, payment.id)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      const refused = results.filter((r) => r.status === 409);
      expect(refused).toHaveLength(19);
      for (const r of refused) expect(r.body).toMatchObject({ code: 'PAYMENT.NOT_REFUNDABLE', details: { status: 'refunded' } });
      expect(await eventsOf(payment.id)).toHaveLength(1);
    });

    it('refuses to refund a declined payment, naming its status', async () => {
      const payer = newPayer();
      const payment = await paid(payer, 'test_decline');
      const res = await refund(payer, payment.id).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'PAYMENT.NOT_REFUNDABLE', details: { status: 'declined' } });
      expect(res.body.message).toBe('The payment is declined; only a completed payment is refundable');
      // The order service's client reads "refunded" in this message as an earlier refund.
      expect(res.body.message).not.toMatch(/refunded/);
      expect(await eventsOf(payment.id)).toEqual([]);
    });

    it('refuses a second refund', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      await refund(payer, payment.id).expect(200);
      const res = await refund(payer, payment.id).expect(409);
      expect(res.body).toMatchObject({ code: 'PAYMENT.NOT_REFUNDABLE', details: { status: 'refunded' } });
      expect(res.body.message).toMatch(/refunded/);
    });

    it("answers 404 for someone else's payment, exactly as for a missing one, and changes nothing", async () => {
      const payment = await paid(newPayer());
      const stranger = newPayer();
      const other = await refund(stranger, payment.id).expect(404);
      const missing = await refund(stranger, randomUUID()).expect(404);
      expect({ ...other.body, requestId: 'x' }).toEqual({ ...missing.body, requestId: 'x' });
      expect(other.body.code).toBe('PAYMENT.NOT_FOUND');
      await svc.http.get(`/payments/${payment.id}`).set(bearer(stranger.token)).expect(404);
      const [row] = await db.query('SELECT status, refunded_at FROM payments WHERE id = $1', [payment.id]);
      expect(row).toEqual({ status: 'completed', refunded_at: null });
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const res = await refund(newPayer(), 'abc').expect(400);
      expect(res.body.errors).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
    });

    it('asks the order service first, as the owner, and refunds nothing when the order refuses', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      orders.refuseRefunds(payment.order_id, 'shipped');
      const res = await refund(payer, payment.id).expect(409);
      expect(res.body).toMatchObject({ code: 'ORDER.NOT_REFUNDABLE', details: { status: 'shipped' } });
      const asked = orders.refundRequests.filter((r) => r.orderId === payment.order_id);
      expect(asked).toEqual([
        { orderId: payment.order_id, body: { payment_id: payment.id, actor: 'owner' }, authorization: expect.stringMatching(/^Bearer /) },
      ]);
      expect(verifyToken<ServiceTokenClaims>(asked[0].authorization!.slice(7))).toMatchObject({ sub: 'payment', typ: 'service' });
      const [row] = await db.query('SELECT status FROM payments WHERE id = $1', [payment.id]);
      expect(row).toEqual({ status: 'completed' });
      expect(await eventsOf(payment.id)).toEqual([]);
    });

    it("refunds on the order service's internal route without asking it, once, and lists an order's payments there; neither takes a user token", async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      const service = bearer(orderServiceHeader()['X-Service-Token']);
      const first = await svc.http.post(`/payments/internal/payments/${payment.id}/refund`).set(service).expect(200);
      expect(first.body).toMatchObject({ id: payment.id, status: 'refunded' });
      await svc.http.post(`/payments/internal/payments/${payment.id}/refund`).set(service).expect(200);
      expect(await eventsOf(payment.id)).toHaveLength(1);
      expect(orders.refundRequests.filter((r) => r.orderId === payment.order_id)).toEqual([]);
      const listed = await svc.http.get(`/payments/internal/orders/${payment.order_id}/payments`).set(service).expect(200);
      expect(listed.body).toEqual([first.body]);
      await svc.http.get(`/payments/internal/orders/${payment.order_id}/payments`).set(bearer(payer.token)).expect(401);
      await svc.http.post(`/payments/internal/payments/${payment.id}/refund`).set(bearer(payer.token)).expect(401);
    });

    it('keeps a refunded order paid: another payment for it is refused', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      await refund(payer, payment.id).expect(200);
      const res = await svc.http
        .post('/payments')
        .set(bearer(payer.token))
        .set(orderServiceHeader())
        .send({ order_id: payment.order_id, amount: 42.5, payment_method: 'test_success' })
        .expect(409);
      expect(res.body).toMatchObject({ code: 'PAYMENT.ORDER_ALREADY_PAID', details: { payment_id: payment.id } });
    });
  });

  describe('payment.refunded events', () => {
    it('writes the event with the refund and delivers it to the order service with a service token', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      await refund(payer, payment.id).expect(200);
      const row = await delivered(payment.id);
      expect(row).toMatchObject({ type: 'payment.refunded', order_id: payment.order_id, user_id: payer.id, attempts: 0, last_error: null });
      const [received] = orders.eventsFor(payment.order_id);
      expect(received.body).toEqual({
        id: row.id,
        type: 'payment.refunded',
        payment_id: payment.id,
        order_id: payment.order_id,
        user_id: payer.id,
        occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      const token = /^Bearer (.+)$/.exec(received.authorization ?? '')?.[1];
      expect(verifyToken<ServiceTokenClaims>(token!)).toMatchObject({ sub: 'payment', typ: 'service' });
    });

    it('delivers within moments of the refund, without waiting for the timer', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      const started = Date.now();
      await refund(payer, payment.id).expect(200);
      await eventually(async () => orders.eventsFor(payment.order_id).length > 0, Boolean, { what: 'an order event', timeoutMs: 2000 });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('retries after the order service fails, until it is delivered', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      orders.answer(payment.order_id, 500);
      await refund(payer, payment.id).expect(200);
      const row = await delivered(payment.id);
      expect(row).toMatchObject({ attempts: 1, last_error: expect.stringContaining('server_error') });
      const deliveries = orders.eventsFor(payment.order_id);
      expect(deliveries.map((d) => d.status)).toEqual([500, 200]);
      expect(deliveries[1].body).toEqual(deliveries[0].body);
    });

    it('counts an unknown order (404) as delivered and does not retry', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      orders.answer(payment.order_id, 404);
      await refund(payer, payment.id).expect(200);
      const row = await delivered(payment.id);
      expect(row.attempts).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(orders.eventsFor(payment.order_id).map((d) => d.status)).toEqual([404]);
    });

    it('backs off while the order service keeps failing', async () => {
      const payer = newPayer();
      const payment = await paid(payer);
      orders.answer(payment.order_id, 503, 503);
      await refund(payer, payment.id).expect(200);
      await eventually(async () => (await eventsOf(payment.id))[0]?.attempts === 2);
      const [row] = await db.query<{ wait: number }>('SELECT EXTRACT(EPOCH FROM next_attempt_at - now()) AS wait FROM payment_events WHERE payment_id = $1', [
        payment.id,
      ]);
      expect(Number(row.wait)).toBeGreaterThan(1);
      expect(Number(row.wait)).toBeLessThanOrEqual(2);
      await delivered(payment.id);
      expect(orders.eventsFor(payment.order_id).map((d) => d.status)).toEqual([503, 503, 200]);
    });

    it('shows its backlog in /metrics: an undelivered event counts and ages until it is delivered', async () => {
      const gauge = async (name: string) =>
        Number(new RegExp(`^${name}\\{service="payment"\\} (\\S+)$`, 'm').exec((await svc.http.get('/metrics').expect(200)).text)?.[1]);
      const payer = newPayer();
      const payment = await paid(payer);
      orders.answer(payment.order_id, 503, 503, 503);
      await refund(payer, payment.id).expect(200);
      await eventually(async () => (await eventsOf(payment.id))[0]?.attempts >= 1);
      expect(await gauge('payment_outbox_undelivered_events')).toBeGreaterThanOrEqual(1);
      const age = await gauge('payment_outbox_oldest_undelivered_age_seconds');
      expect(age).toBeGreaterThan(0);
      await eventually(async () => (await gauge('payment_outbox_oldest_undelivered_age_seconds')) > age);
      await delivered(payment.id);
      await eventually(async () => (await gauge('payment_outbox_undelivered_events')) === 0, Boolean, { what: 'no undelivered events', timeoutMs: 10_000 });
      expect(await gauge('payment_outbox_oldest_undelivered_age_seconds')).toBe(0);
    });

    it('deletes delivered events past their retention on its schedule, and never an undelivered one', async () => {
      const payer = newPayer();
      const [old, recent, waiting] = [await paid(payer), await paid(payer), await paid(payer)];
      orders.answer(waiting.order_id, ...Array<number>(50).fill(503));
      for (const payment of [old, recent, waiting]) await refund(payer, payment.id).expect(200);
      await delivered(old.id);
      await delivered(recent.id);
      // Delivered two hours ago, past the one-hour retention; the waiting one is as old but undelivered.
      await db.query(`UPDATE payment_events SET delivered_at = now() - interval '2 hours', created_at = now() - interval '2 hours' WHERE payment_id = $1`, [
        old.id,
      ]);
      await db.query(`UPDATE payment_events SET created_at = now() - interval '2 hours' WHERE payment_id = $1`, [waiting.id]);
      await eventually(async () => (await eventsOf(old.id)).length === 0);
      expect(await eventsOf(recent.id)).toHaveLength(1);
      expect(await eventsOf(waiting.id)).toEqual([expect.objectContaining({ delivered_at: null })]);
    });
  });
});
