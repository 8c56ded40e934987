import request from 'supertest';
import { Account, registerAndLogin, uniqueName } from '../support/accounts';
import { doubleCharges } from '../support/faults/ledger';
import { eventually } from '../support/eventually';
import { call, countBy, Outcome } from '../support/faults/traffic';
import { freePort } from '../support/spawned-service';
import { RunningStack, startSystemStack } from '../support/system-stack';

// Races through the gateway: many identical requests at once, and the databases afterwards hold
// exactly what one request would have written.

// A catalog product at its catalog price (3 × 41.30 = 123.90): the server prices the order.
const ITEMS = [{ product_name: 'Stool', quantity: 3, unit_price: 41.3 }];
const UNITS = 3;
const bodyOf = (outcome: Outcome) => (outcome.body ?? {}) as { id?: string; status?: string; code?: string; payment_id?: string };
// A race lost once in a while shows up more often over a few rounds.
const ROUNDS = [1, 2, 3, 4, 5];
const all = <T>(count: number, send: (i: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, i) => send(i)));

describe('the system under concurrent identical requests', () => {
  let system: RunningStack;
  let gateway: string;
  let jane: Account;

  beforeAll(async () => {
    // Its own internal gateway port: the default one would collide with any other stack on this machine.
    system = await startSystemStack({ env: { GATEWAY_INTERNAL_PORT: String(await freePort()) } });
    gateway = system.gatewayUrl;
    jane = await registerAndLogin(request(gateway));
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  });

  /** The units the catalog has on hand of the product ITEMS names. */
  const stock = async () => (await system.databases.order.query<{ n: number }>("SELECT stock_on_hand AS n FROM products WHERE sku = 'STOOL-01'"))[0].n;

  const placeOrder = async (paymentMethod: string) => {
    const placed = await call(gateway, { method: 'POST', path: '/orders', token: jane.accessToken, body: { items: ITEMS, payment_method: paymentMethod } });
    expect(placed.status).toBe(201);
    return bodyOf(placed);
  };

  it('registers one email exactly once under 50 concurrent registrations, however it is written', async () => {
    const name = uniqueName('race');
    const spellings = [`${name}@example.com`, `${name.toUpperCase()}@EXAMPLE.COM`, `  ${name}@Example.com `];
    const outcomes = await all(50, (i) =>
      call(gateway, {
        method: 'POST',
        path: '/users',
        body: { email: spellings[i % spellings.length], username: `${name}_${i}`, password: 'correct-horse-battery' },
      }),
    );

    expect(countBy(outcomes, (o) => o.status)).toEqual({ 201: 1, 409: 49 });
    expect(outcomes.filter((o) => o.status === 409).every((o) => bodyOf(o).code === 'USER.EMAIL_TAKEN')).toBe(true);
    const rows = await system.databases.user.query<{ id: string; email: string }>('SELECT id, email FROM users WHERE lower(email) = $1 OR username LIKE $2', [
      `${name}@example.com`,
      `${name}\\_%`,
    ]);
    expect(rows).toEqual([{ id: bodyOf(outcomes.find((o) => o.status === 201)!).id, email: `${name}@example.com` }]);
  });

  it.each(ROUNDS)(
    'places one order and makes one payment under 20 concurrent POST /orders with one Idempotency-Key, every response naming that order (round %i)',
    async () => {
      const key = uniqueName('checkout');
      const before = await stock();
      const outcomes = await all(20, () =>
        call(gateway, {
          method: 'POST',
          path: '/orders',
          token: jane.accessToken,
          headers: { 'idempotency-key': key },
          body: { items: ITEMS, payment_method: 'test_success' },
        }),
      );

      expect(countBy(outcomes, (o) => o.status)).toEqual({ 201: 20 });
      const ids = new Set(outcomes.map((o) => bodyOf(o).id));
      expect(ids.size).toBe(1);
      const [id] = ids;
      expect(outcomes.map((o) => bodyOf(o).status)).toEqual(Array(20).fill('confirmed'));
      const orders = await system.databases.order.query<{ id: string; payment_id: string }>('SELECT id, payment_id FROM orders WHERE idempotency_key = $1', [
        key,
      ]);
      expect(orders).toEqual([{ id, payment_id: expect.any(String) }]);
      expect(await system.databases.order.query('SELECT count(*)::int AS n FROM order_items WHERE order_id = $1', [id])).toEqual([{ n: 1 }]);
      const payments = await system.databases.payment.query('SELECT id, status, amount_minor::int AS amount_minor FROM payments WHERE order_id = $1', [id]);
      expect(payments).toEqual([{ id: orders[0].payment_id, status: 'completed', amount_minor: 12390 }]);
      // One order takes its stock once, however many requests carried it.
      expect(await stock()).toBe(before - UNITS);
    },
  );

  it.each(ROUNDS)('refunds one payment exactly once under 20 concurrent refunds, and the order ends refunded once (round %i)', async () => {
    const before = await stock();
    const order = await placeOrder('test_success');
    expect(order.status).toBe('confirmed');
    expect(await stock()).toBe(before - UNITS);
    const outcomes = await all(20, () => call(gateway, { method: 'POST', path: `/payments/${order.payment_id}/refund`, token: jane.accessToken }));

    expect(countBy(outcomes, (o) => o.status)).toEqual({ 200: 1, 409: 19 });
    expect(outcomes.filter((o) => o.status === 409).every((o) => bodyOf(o).code === 'PAYMENT.NOT_REFUNDABLE')).toBe(true);
    expect(await system.databases.payment.query('SELECT status, refunded_at IS NOT NULL AS refunded FROM payments WHERE id = $1', [order.payment_id])).toEqual([
      { status: 'refunded', refunded: true },
    ]);
    expect(await system.databases.payment.query('SELECT type FROM payment_events WHERE payment_id = $1', [order.payment_id])).toEqual([
      { type: 'payment.refunded' },
    ]);
    const stored = await eventually(
      () => system.databases.order.query<{ status: string; status_reason: string }>('SELECT status, status_reason FROM orders WHERE id = $1', [order.id]),
      (rows) => rows[0]?.status === 'refunded',
      { timeoutMs: 15_000 },
    );
    expect(stored).toEqual([{ status: 'refunded', status_reason: 'The payment of this order was refunded' }]);
    const delivered = await eventually(
      () =>
        system.databases.payment.query<{ delivered: boolean }>('SELECT delivered_at IS NOT NULL AS delivered FROM payment_events WHERE payment_id = $1', [
          order.payment_id,
        ]),
      (rows) => rows.every((r) => r.delivered),
      { timeoutMs: 15_000 },
    );
    expect(delivered).toEqual([{ delivered: true }]);
    // Refunded before shipment: the stock comes back, once.
    expect(await stock()).toBe(before);
  });

  it.each(ROUNDS)('makes at most one completed payment under 20 concurrent /pay retries of one declined order (round %i)', async () => {
    const before = await stock();
    const order = await placeOrder('test_decline');
    expect(order.status).toBe('payment_failed');
    // Declined: the stock went back in the same transaction.
    expect(await stock()).toBe(before);
    const outcomes = await all(20, () =>
      call(gateway, { method: 'POST', path: `/orders/${order.id}/pay`, token: jane.accessToken, body: { payment_method: 'test_success' } }),
    );

    const statuses = countBy(outcomes, (o) => o.status);
    expect(Object.keys(statuses).filter((s) => s !== '200' && s !== '409')).toEqual([]);
    expect(outcomes.filter((o) => o.status === 200).every((o) => bodyOf(o).status === 'confirmed')).toBe(true);
    expect(outcomes.filter((o) => o.status === 409).every((o) => bodyOf(o).code === 'ORDER.NOT_PAYABLE')).toBe(true);
    const payments = await system.databases.payment.query<{ id: string; status: string }>(
      'SELECT id, status FROM payments WHERE order_id = $1 ORDER BY created_at',
      [order.id],
    );
    const completed = payments.filter((p) => p.status === 'completed');
    expect(completed.length).toBeLessThanOrEqual(1);
    expect(payments.map((p) => p.status)).toEqual(['declined', 'completed']);
    expect(await system.databases.order.query('SELECT status, payment_id, payment_attempt FROM orders WHERE id = $1', [order.id])).toEqual([
      { status: 'confirmed', payment_id: completed[0].id, payment_attempt: 2 },
    ]);
    expect(await doubleCharges(system.databases)).toEqual([]);
    // The one retry that went through took the stock again, once.
    expect(await stock()).toBe(before - UNITS);
  });
});
