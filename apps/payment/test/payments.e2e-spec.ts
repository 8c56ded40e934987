import { randomUUID } from 'node:crypto';
import { bearer } from '../../../test/support/accounts';
import type { ServiceUnderTest } from '../../../test/support/service-under-test';
import type { TestDatabase } from '../../../test/support/test-database';
import { PaymentUnderTest, startPaymentUnderTest } from './helpers/payment-under-test';
import { newPayer, Payer, orderServiceHeader } from './helpers/tokens';

const AMOUNT_MESSAGE = 'amount must be a number greater than 0 and at most 1000000000000 with at most 2 decimals';
const METHOD_MESSAGE = 'payment_method must be one of credit_card, debit_card, paypal, bank_transfer, test_success, test_decline';
const ERROR_SHAPE = { statusCode: expect.any(Number), error: expect.any(String), message: expect.any(String), requestId: expect.any(String) };

describe('payment service: charging and reading payments', () => {
  let payment: PaymentUnderTest;
  let db: TestDatabase;
  let svc: ServiceUnderTest;

  beforeAll(async () => {
    payment = await startPaymentUnderTest({ PAYMENT_DECLINE_RATE: '0' });
    ({ db, svc } = payment);
  });

  afterAll(async () => {
    await payment?.close();
  });

  const pay = (payer: Payer, body: object, idempotencyKey?: string) => {
    const req = svc.http.post('/payments').set(bearer(payer.token)).set(orderServiceHeader());
    if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
    return req.send(body);
  };
  const order = (overrides: object = {}) => ({ order_id: randomUUID(), amount: 59.97, payment_method: 'test_success', ...overrides });

  describe('POST /payments', () => {
    it('completes a test_success payment with the exact amount, for the caller of the token', async () => {
      const payer = newPayer();
      const body = order();
      const res = await pay(payer, body).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        order_id: body.order_id,
        user_id: payer.id,
        amount: 59.97,
        currency: 'USD',
        payment_method: 'test_success',
        status: 'completed',
        transaction_id: expect.stringMatching(/^txn_[0-9a-f]{24}$/),
        failure_reason: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        refunded_at: null,
      });
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      const rows = await db.query('SELECT amount_minor, currency, status, user_id FROM payments WHERE id = $1', [res.body.id]);
      expect(rows).toEqual([{ amount_minor: '5997', currency: 'USD', status: 'completed', user_id: payer.id }]);
    });

    it('accepts the amount as a decimal string and upper-cases the currency', async () => {
      const res = await pay(newPayer(), order({ amount: '0.1', currency: 'eur' })).expect(201);
      expect(res.body).toMatchObject({ amount: 0.1, currency: 'EUR' });
      expect(JSON.stringify(res.body)).toContain('"amount":0.1,');
    });

    it('charges in USD when the currency is absent or null', async () => {
      const res = await pay(newPayer(), order({ currency: null })).expect(201);
      expect(res.body.currency).toBe('USD');
    });

    it('keeps the largest amount exact', async () => {
      const res = await pay(newPayer(), order({ amount: '999999999999.99' })).expect(201);
      expect(res.body.amount).toBe(999999999999.99);
      const [row] = await db.query<{ amount_minor: string }>('SELECT amount_minor FROM payments WHERE id = $1', [res.body.id]);
      expect(row.amount_minor).toBe('99999999999999');
    });

    it('records a test_decline payment as a 201 with status declined and the reason', async () => {
      const res = await pay(newPayer(), order({ payment_method: 'test_decline' })).expect(201);
      expect(res.body).toMatchObject({ status: 'declined', transaction_id: null, failure_reason: 'Card declined by the issuer (simulated)' });
      const [row] = await db.query('SELECT status, failure_reason FROM payments WHERE id = $1', [res.body.id]);
      expect(row).toEqual({ status: 'declined', failure_reason: 'Card declined by the issuer (simulated)' });
    });

    it.each(['credit_card', 'debit_card', 'paypal', 'bank_transfer'])('completes %s when PAYMENT_DECLINE_RATE is 0', async (method) => {
      const res = await pay(newPayer(), order({ payment_method: method })).expect(201);
      expect(res.body).toMatchObject({ status: 'completed', payment_method: method });
    });

    it.each([
      ['a zero amount', { amount: 0 }, 'amount', AMOUNT_MESSAGE],
      ['a negative amount', { amount: -5 }, 'amount', AMOUNT_MESSAGE],
      ['three decimals', { amount: 1.234 }, 'amount', AMOUNT_MESSAGE],
      ['an amount that is not a number', { amount: 'abc' }, 'amount', AMOUNT_MESSAGE],
      ['an amount over the maximum', { amount: '1000000000000.01' }, 'amount', AMOUNT_MESSAGE],
      ['a missing order_id', { order_id: undefined }, 'order_id', 'order_id must be a UUID'],
      ['an order_id that is not a UUID', { order_id: 'order-1' }, 'order_id', 'order_id must be a UUID'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency', 'currency must be an ISO 4217 code such as USD or EUR'],
      ['an unknown payment_method', { payment_method: 'bitcoin' }, 'payment_method', METHOD_MESSAGE],
      ['a user_id in the body', { user_id: randomUUID() }, 'user_id', 'property user_id should not exist'],
    ])('rejects %s with 400 naming the field', async (_case, overrides, field, message) => {
      const res = await pay(newPayer(), order(overrides)).expect(400);
      expect(res.body).toMatchObject({ ...ERROR_SHAPE, statusCode: 400, code: 'VALIDATION.FAILED' });
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, messages: [message] }]));
    });

    it('refuses 19.99 JPY with 422: the yen has no minor unit', async () => {
      const payer = newPayer();
      const body = order({ amount: 19.99, currency: 'JPY' });
      const res = await pay(payer, body).expect(422);
      expect(res.body).toMatchObject({ ...ERROR_SHAPE, code: 'MONEY.TOO_MANY_DECIMALS', details: { field: 'amount', currency: 'JPY', max_decimals: 0 } });
      expect(res.body.message).toBe('amount must have at most 0 decimals in JPY');
      expect(await db.query('SELECT id FROM payments WHERE order_id = $1', [body.order_id])).toEqual([]);
    });

    it('charges a whole amount of yen exactly', async () => {
      const res = await pay(newPayer(), order({ amount: 1999, currency: 'jpy' })).expect(201);
      expect(res.body).toMatchObject({ amount: 1999, currency: 'JPY' });
    });

    it.each(['KWD', 'BHD'])('refuses %s, a currency with 3 decimals that amounts in hundredths cannot hold', async (currency) => {
      const res = await pay(newPayer(), order({ amount: 1.5, currency })).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'currency', messages: [`currency ${currency} has 3 decimals; only currencies with 0 or 2 decimals are accepted`] },
      ]);
    });

    it('rejects 1e309 sent as a raw JSON number literal', async () => {
      const raw = `{"order_id":"${randomUUID()}","amount":1e309,"payment_method":"test_success"}`;
      const res = await svc.http
        .post('/payments')
        .set(bearer(newPayer().token))
        .set(orderServiceHeader())
        .set('content-type', 'application/json')
        .send(raw)
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'amount', messages: [AMOUNT_MESSAGE] }]);
    });

    it('lists every bad field at once and stores nothing', async () => {
      const payer = newPayer();
      const res = await pay(payer, { amount: 0, payment_method: 'cash' }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['amount', 'order_id', 'payment_method']);
      expect(await db.query('SELECT id FROM payments WHERE user_id = $1', [payer.id])).toEqual([]);
    });

    it('rejects an Idempotency-Key that is too long', async () => {
      const res = await pay(newPayer(), order(), 'k'.repeat(256)).expect(400);
      expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', messages: ['Idempotency-Key must be 1-255 printable ASCII characters'] }]);
    });

    it("refuses an X-Service-Token that is not the order service's with 403, and records nothing", async () => {
      const payer = newPayer();
      const res = await svc.http.post('/payments').set(bearer(payer.token)).set('X-Service-Token', payer.token).send(order()).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'AUTH.FORBIDDEN', message: expect.stringContaining('X-Service-Token') });
      expect(await db.query('SELECT id FROM payments WHERE user_id = $1', [payer.id])).toEqual([]);
    });

    it('hands a payment a buyer sends directly to the order service, and answers 503 without charging when it cannot be reached', async () => {
      const payer = newPayer();
      const res = await svc.http.post('/payments').set(bearer(payer.token)).send(order()).expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'ORDER_SERVICE.UNAVAILABLE' });
      expect(await db.query('SELECT id FROM payments WHERE user_id = $1', [payer.id])).toEqual([]);
    });

    it('answers 401 without a bearer access token, on every endpoint', async () => {
      const id = randomUUID();
      for (const req of [
        svc.http.post('/payments').send(order()),
        svc.http.get('/payments'),
        svc.http.get(`/payments/${id}`),
        svc.http.post(`/payments/${id}/refund`),
      ]) {
        const res = await req.expect(401);
        expect(res.body).toMatchObject({ statusCode: 401, code: 'AUTH.TOKEN_MISSING' });
      }
      await svc.http.get('/payments').set(bearer('not.a.jwt')).expect(401);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first payment for a repeated key and body: 200 with Idempotent-Replayed', async () => {
      const payer = newPayer();
      const body = order();
      const first = await pay(payer, body, 'checkout-1').expect(201);
      const again = await pay(payer, { ...body, amount: '59.97' }, 'checkout-1').expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await db.query('SELECT id FROM payments WHERE user_id = $1', [payer.id])).toHaveLength(1);
    });

    it('replays a decline too, instead of charging again', async () => {
      const payer = newPayer();
      const body = order({ payment_method: 'test_decline' });
      const first = await pay(payer, body, 'attempt-1').expect(201);
      const again = await pay(payer, body, 'attempt-1').expect(200);
      expect(again.body).toEqual(first.body);
    });

    it('answers 422 for a repeated key with a different body', async () => {
      const payer = newPayer();
      const body = order();
      await pay(payer, body, 'checkout-2').expect(201);
      const res = await pay(payer, { ...body, amount: 10 }, 'checkout-2').expect(422);
      expect(res.body).toMatchObject({ ...ERROR_SHAPE, statusCode: 422, code: 'PAYMENT.IDEMPOTENCY_KEY_REUSED' });
    });

    it('keeps keys apart per user', async () => {
      const [a, b] = [newPayer(), newPayer()];
      const first = await pay(a, order(), 'same-key').expect(201);
      const second = await pay(b, order(), 'same-key').expect(201);
      expect(second.body.id).not.toBe(first.body.id);
    });

    it('makes exactly one payment from 20 concurrent requests with one key', async () => {
      const payer = newPayer();
      const body = order({ payment_method: 'credit_card' });
      const results = await Promise.all(Array.from({ length: 20 }, () => pay(payer, body, 'burst')));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 200 && r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      const rows = await db.query('SELECT id FROM payments WHERE user_id = $1', [payer.id]);
      expect(rows).toEqual([{ id: results[0].body.id }]);
    });
  });

  describe('one successful payment per order', () => {
    it('answers 409 ORDER_ALREADY_PAID with the first payment id for a second payment of a paid order', async () => {
      const payer = newPayer();
      const body = order();
      const first = await pay(payer, body, 'first').expect(201);
      const second = await pay(payer, body, 'second').expect(409);
      expect(second.body).toMatchObject({ ...ERROR_SHAPE, statusCode: 409, code: 'PAYMENT.ORDER_ALREADY_PAID', details: { payment_id: first.body.id } });
      await pay(payer, { ...body, payment_method: 'test_decline' }).expect(409);
      const rows = await db.query('SELECT id, status FROM payments WHERE order_id = $1', [body.order_id]);
      expect(rows).toEqual([{ id: first.body.id, status: 'completed' }]);
    });

    it('lets an order be paid after declines', async () => {
      const payer = newPayer();
      const body = order();
      await pay(payer, { ...body, payment_method: 'test_decline' }, 'try-1').expect(201);
      await pay(payer, { ...body, payment_method: 'test_decline' }, 'try-2').expect(201);
      await pay(payer, body, 'try-3').expect(201);
      const rows = await db.query<{ status: string }>('SELECT status FROM payments WHERE order_id = $1 ORDER BY created_at', [body.order_id]);
      expect(rows.map((r) => r.status)).toEqual(['declined', 'declined', 'completed']);
    });

    it('completes exactly one of 10 concurrent payments of one order with different keys', async () => {
      const payer = newPayer();
      const body = order();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pay(payer, body, `race-${i}`)));
      const winners = results.filter((r) => r.status === 201);
      expect(winners).toHaveLength(1);
      const losers = results.filter((r) => r.status === 409);
      expect(losers).toHaveLength(9);
      for (const loser of losers) expect(loser.body).toMatchObject({ code: 'PAYMENT.ORDER_ALREADY_PAID', details: { payment_id: winners[0].body.id } });
      const [{ count }] = await db.query<{ count: string }>("SELECT count(*) FROM payments WHERE order_id = $1 AND status = 'completed'", [body.order_id]);
      expect(count).toBe('1');
    });

    it('is enforced by the database itself', async () => {
      const res = await pay(newPayer(), order()).expect(201);
      const insert = `INSERT INTO payments (order_id, user_id, amount_minor, currency, payment_method, status, transaction_id)
        VALUES ($1, $2, 100, 'USD', 'test_success', 'completed', 'txn_direct')`;
      await expect(db.query(insert, [res.body.order_id, randomUUID()])).rejects.toThrow(/payments_order_paid_key/);
      await expect(db.query(insert.replace("'completed'", "'paid'"), [randomUUID(), randomUUID()])).rejects.toThrow(/CHK_payments_status/);
      await expect(db.query(insert.replace('100', '0'), [randomUUID(), randomUUID()])).rejects.toThrow(/CHK_payments_amount/);
    });
  });

  describe('GET /payments/:id', () => {
    it("returns the caller's payment", async () => {
      const payer = newPayer();
      const created = await pay(payer, order()).expect(201);
      const res = await svc.http.get(`/payments/${created.body.id}`).set(bearer(payer.token)).expect(200);
      expect(res.body).toEqual(created.body);
    });

    it("answers 404 for someone else's payment, exactly as for a missing one", async () => {
      const created = await pay(newPayer(), order()).expect(201);
      const stranger = newPayer();
      const other = await svc.http.get(`/payments/${created.body.id}`).set(bearer(stranger.token)).expect(404);
      const missing = await svc.http.get(`/payments/${randomUUID()}`).set(bearer(stranger.token)).expect(404);
      expect({ ...other.body, requestId: 'x' }).toEqual({ ...missing.body, requestId: 'x' });
      expect(other.body).toMatchObject({ code: 'PAYMENT.NOT_FOUND', message: 'Payment not found' });
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const res = await svc.http.get('/payments/42').set(bearer(newPayer().token)).expect(400);
      expect(res.body.errors).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
    });
  });

  describe('GET /payments', () => {
    it("pages the caller's own payments newest first, with the total in X-Total-Count", async () => {
      const payer = newPayer();
      await pay(newPayer(), order()).expect(201);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.unshift((await pay(payer, order({ amount: i + 1 })).expect(201)).body.id);
      const all = await svc.http.get('/payments').set(bearer(payer.token)).expect(200);
      expect(all.headers['x-total-count']).toBe('5');
      expect(all.body.map((p: { id: string }) => p.id)).toEqual(ids);
      expect(all.body.every((p: { user_id: string }) => p.user_id === payer.id)).toBe(true);
      const page = await svc.http.get('/payments?limit=2&offset=1').set(bearer(payer.token)).expect(200);
      expect(page.headers['x-total-count']).toBe('5');
      expect(page.body.map((p: { id: string }) => p.id)).toEqual(ids.slice(1, 3));
      const skipped = await svc.http.get('/payments?limit=2&skip=1').set(bearer(payer.token)).expect(200);
      expect(skipped.body).toEqual(page.body);
    });

    it('filters by order_id', async () => {
      const payer = newPayer();
      const body = order();
      await pay(payer, { ...body, payment_method: 'test_decline' }).expect(201);
      await pay(payer, body).expect(201);
      await pay(payer, order()).expect(201);
      const res = await svc.http.get(`/payments?order_id=${body.order_id}`).set(bearer(payer.token)).expect(200);
      expect(res.headers['x-total-count']).toBe('2');
      expect(res.body.map((p: { status: string }) => p.status)).toEqual(['completed', 'declined']);
    });

    it('answers an empty list to a caller without payments', async () => {
      const res = await svc.http.get('/payments').set(bearer(newPayer().token)).expect(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total-count']).toBe('0');
    });

    it.each(['limit=0', 'limit=101', 'offset=-1', 'order_id=nope'])('rejects %s with 400', async (query) => {
      const res = await svc.http.get(`/payments?${query}`).set(bearer(newPayer().token)).expect(400);
      expect(res.body.code).toBe('VALIDATION.FAILED');
    });
  });
});
