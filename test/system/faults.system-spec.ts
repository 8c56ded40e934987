import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { Client } from 'pg';
import request from 'supertest';
import { Account, registerAndLogin, uniqueName } from '../support/accounts';
import { doubleCharges, ledgerViolations, readLedger } from '../support/faults/ledger';
import { metricValue, readiness, restart, servedSince, signalAndWait } from '../support/faults/processes';
import { mapBounded } from '../support/bounded';
import { TEST_CATALOG_FILE } from '../support/environment';
import { eventually } from '../support/eventually';
import { call, countBy, Outcome, sleep, startStream } from '../support/faults/traffic';
import { startService } from '../support/service-under-test';
import { freePort } from '../support/spawned-service';
import { RunningStack, startSystemStack } from '../support/system-stack';
import { createTestDatabase } from '../support/test-database';
import { OrderAppModule } from '../../apps/order/src/order-app.module';
import { orderService } from '../../apps/order/src/order-service';

// Faults injected into the system as `npm start` runs it: processes killed, databases cut, a
// downstream that hangs. Every test checks its invariant in the databases afterwards.

const USER_SERVICE_TIMEOUT_MS = 2000;
const BREAKER_HALF_OPEN_AFTER_MS = 1000;
const PAYMENT_UNREACHABLE = /payment service could not be reached.*POST \/orders\/\{id\}\/pay/;

// Catalog products at their catalog prices, in 15 combinations, so that orders' totals differ and a
// payment of the wrong order's amount would show in the ledger.
const WIDGET_PRICES = [10.99, 11.99, 12.99];
const itemsFor = (i: number) => [{ product_name: `Widget ${1 + (i % 3)}`, quantity: 1 + (i % 5), unit_price: WIDGET_PRICES[i % 3] }];
/** What the test catalog seeds each product with. */
const SEEDED_STOCK = new Map(
  (JSON.parse(readFileSync(TEST_CATALOG_FILE, 'utf8')) as { sku: string; stock_on_hand: number }[]).map((p) => [p.sku, p.stock_on_hand]),
);
const bodyOf = (outcome: Outcome) =>
  (outcome.body ?? {}) as { id?: string; status?: string; code?: string; status_reason?: string; details?: { reason?: string } };
/**
 * Products whose stock does not add up: what the catalog seeded, less the units of every order that
 * holds stock (pending or confirmed; declined orders gave theirs back), must be what is on hand.
 */
async function stockViolations(database: RunningStack['databases']['order']): Promise<string[]> {
  const rows = await database.query<{ sku: string; on_hand: number; held: number }>(
    `SELECT p.sku, p.stock_on_hand AS on_hand,
            coalesce((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
                      WHERE i.product_id = p.id AND o.status IN ('pending', 'confirmed', 'shipped', 'delivered')), 0)::int AS held
       FROM products p`,
  );
  return rows
    .filter((r) => SEEDED_STOCK.get(r.sku)! - r.held !== r.on_hand)
    .map((r) => `${r.sku}: seeded ${SEEDED_STOCK.get(r.sku)}, held ${r.held}, on hand ${r.on_hand}`);
}
const report = (lines: Record<string, unknown>) => console.log(JSON.stringify(lines, null, 1));

describe('the system under faults', () => {
  describe('one instance of each service', () => {
    let system: RunningStack;
    let gateway: string;
    let jane: Account;

    beforeAll(async () => {
      system = await startSystemStack({
        env: {
          BREAKER_HALF_OPEN_AFTER_MS: String(BREAKER_HALF_OPEN_AFTER_MS),
          USER_SERVICE_TIMEOUT_MS: String(USER_SERVICE_TIMEOUT_MS),
          // Its own internal gateway port: the default one would collide with any other stack on this machine.
          GATEWAY_INTERNAL_PORT: String(await freePort()),
        },
      });
      gateway = system.gatewayUrl;
      jane = await registerAndLogin(request(gateway));
    }, 120_000);

    afterAll(async () => {
      await system?.close();
    });

    it('loses no order and charges no order twice when the payment service is SIGKILLed during a burst of 200 orders, and pays every pending order once it is back', async () => {
      const payment = system.stack.instances.payment[0];
      const buyer = await registerAndLogin(request(gateway));
      const keys = Array.from({ length: 200 }, (_, i) => `${uniqueName('burst')}-${i}`);
      let answered = 0;
      let killed: ReturnType<typeof signalAndWait> | undefined;
      const outcomes = await mapBounded(keys, 16, async (key, i) => {
        const outcome = await call(gateway, {
          method: 'POST',
          path: '/orders',
          token: buyer.accessToken,
          headers: { 'idempotency-key': key },
          body: { items: itemsFor(i), payment_method: 'credit_card' },
          timeoutMs: 30_000,
        });
        if (++answered === 60) killed = signalAndWait(payment, 'SIGKILL', 10_000);
        return outcome;
      });
      expect((await killed!).signal).toBe('SIGKILL');

      const statuses = countBy(outcomes, (o) => o.status);
      const serverErrors = outcomes.filter((o) => o.status === 0 || o.status >= 500);
      expect(outcomes.filter((o) => o.status >= 400 && o.status < 500)).toEqual([]);

      // No order lost: every 201 has its row, and rows exist only for 201s or for requests the server failed.
      const before = await readLedger(system.databases, buyer.id);
      const rowsByKey = new Map(before.orders.map((o) => [o.idempotency_key, o]));
      const lost = keys.filter((key, i) => outcomes[i].status === 201 && rowsByKey.get(key)?.id !== bodyOf(outcomes[i]).id);
      expect(lost).toEqual([]);
      const unexplained = keys.filter((key, i) => rowsByKey.has(key) && outcomes[i].status !== 201 && !serverErrors.includes(outcomes[i]));
      expect(unexplained).toEqual([]);
      expect(before.orders.every((o) => o.idempotency_key !== null && keys.includes(o.idempotency_key))).toBe(true);

      // The answers match the rows, and only the three outcomes of placing an order exist.
      const answeredStatus = keys.flatMap((key, i) => (outcomes[i].status === 201 ? [[bodyOf(outcomes[i]).status, rowsByKey.get(key)!.status]] : []));
      expect(answeredStatus.filter(([said, stored]) => said !== stored)).toEqual([]);
      const placed = countBy(before.orders, (o) => o.status);
      expect(Object.keys(placed).filter((s) => !['confirmed', 'payment_failed', 'pending'].includes(s))).toEqual([]);
      const pending = before.orders.filter((o) => o.status === 'pending');
      expect(pending.length).toBeGreaterThan(0);
      expect(pending.filter((o) => !PAYMENT_UNREACHABLE.test(o.status_reason ?? ''))).toEqual([]);
      expect(await doubleCharges(system.databases)).toEqual([]);
      expect(
        ledgerViolations({ ...before, payments: before.payments.filter((p) => p.status !== 'completed' || !pending.some((o) => o.id === p.order_id)) }),
      ).toEqual([]);
      // The stock follows the orders: pending ones hold theirs, declined ones gave it back.
      expect(await stockViolations(system.databases.order)).toEqual([]);

      // Back: every pending order becomes confirmed or payment_failed through /pay (the breaker may take a round to close).
      await restart(system.stack, payment);
      const rounds: Record<string, number>[] = [];
      let stillPending = pending.map((o) => o.id);
      for (let round = 0; round < 10 && stillPending.length; round++) {
        if (round) await sleep(BREAKER_HALF_OPEN_AFTER_MS + 200);
        const paid = await mapBounded(stillPending, 8, (id) =>
          call(gateway, { method: 'POST', path: `/orders/${id}/pay`, token: buyer.accessToken, body: {}, timeoutMs: 30_000 }),
        );
        rounds.push(countBy(paid, (o) => `${o.status} ${bodyOf(o).status ?? bodyOf(o).code}`));
        expect(paid.filter((o) => o.status !== 200)).toEqual([]);
        stillPending = stillPending.filter((_, i) => bodyOf(paid[i]).status === 'pending');
      }
      expect(stillPending).toEqual([]);

      const after = await readLedger(system.databases, buyer.id);
      expect(after.orders).toHaveLength(before.orders.length);
      expect(after.orders.filter((o) => !['confirmed', 'payment_failed'].includes(o.status))).toEqual([]);
      expect(await doubleCharges(system.databases)).toEqual([]);
      expect(ledgerViolations(after)).toEqual([]);
      expect(await stockViolations(system.databases.order)).toEqual([]);
      const repaired = countBy(
        after.orders.filter((o) => pending.some((p) => p.id === o.id)),
        (o) => o.status,
      );
      const chargedButPending = pending.filter((o) => before.payments.some((p) => p.order_id === o.id)).length;
      report({
        burst: {
          requests: 200,
          answers: statuses,
          orderRows: before.orders.length,
          serverErrors: serverErrors.length,
          rowsWithout201: keys.filter((key, i) => rowsByKey.has(key) && outcomes[i].status !== 201).length,
          placed,
          chargedButPending,
          pendingRepaired: repaired,
          payRounds: rounds,
        },
      });
    }, 120_000);

    it('answers 503 within USER_SERVICE_TIMEOUT_MS and writes nothing while the user service is down, opens the breaker, and closes it once the service is back', async () => {
      const user = system.stack.instances.user[0];
      const order = system.stack.instances.order[0];
      const count = async () =>
        (await system.databases.order.query<{ n: number }>('SELECT (SELECT count(*) FROM orders)::int + (SELECT count(*) FROM order_items)::int AS n'))[0].n;
      const before = await count();
      const run = uniqueName('userdown');

      expect((await signalAndWait(user, 'SIGKILL', 10_000)).signal).toBe('SIGKILL');
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 8; i++) {
        outcomes.push(
          await call(gateway, {
            method: 'POST',
            path: '/orders',
            token: jane.accessToken,
            headers: { 'idempotency-key': `${run}-${i}` },
            body: { items: itemsFor(i) },
            timeoutMs: 20_000,
          }),
        );
      }
      expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill(503));
      for (const outcome of outcomes) {
        expect(outcome.contentType).toMatch(/application\/json/);
        expect(bodyOf(outcome)).toMatchObject({ statusCode: 503, code: 'USER_SERVICE.UNAVAILABLE' });
        expect(outcome.ms).toBeLessThan(USER_SERVICE_TIMEOUT_MS);
      }
      const reasons = outcomes.map((o) => bodyOf(o).details?.reason);
      expect(reasons[0]).toBe('network');
      expect(reasons.slice(-3)).toEqual(['breaker_open', 'breaker_open', 'breaker_open']);
      expect(outcomes.filter((o) => bodyOf(o).details?.reason === 'breaker_open').every((o) => o.ms < 500)).toBe(true);
      expect(await metricValue(order, 'circuit_breaker_state', 'target="user"')).toBe(1);
      expect(await count()).toBe(before);
      expect(await system.databases.order.query('SELECT id FROM orders WHERE idempotency_key LIKE $1', [`${run}-%`])).toEqual([]);

      await restart(system.stack, user);
      const retries: Outcome[] = [];
      const placed = await eventually(
        async () => {
          const outcome = await call(gateway, {
            method: 'POST',
            path: '/orders',
            token: jane.accessToken,
            headers: { 'idempotency-key': `${run}-back-${retries.length}` },
            body: { items: itemsFor(1), payment_method: 'test_success' },
          });
          retries.push(outcome);
          return outcome;
        },
        (o) => o.status === 201,
        { timeoutMs: 10 * BREAKER_HALF_OPEN_AFTER_MS, pauseMs: BREAKER_HALF_OPEN_AFTER_MS / 2 },
      );
      expect(retries.filter((o) => o.status !== 201 && o.status !== 503)).toEqual([]);
      expect(placed.status).toBe(201);
      expect(bodyOf(placed).status).toBe('confirmed');
      expect(await metricValue(order, 'circuit_breaker_state', 'target="user"')).toBe(0);
      expect(await system.databases.order.query('SELECT status FROM orders WHERE id = $1', [bodyOf(placed).id])).toEqual([{ status: 'confirmed' }]);
      report({ userDown: { reasons, ms: outcomes.map((o) => o.ms), attemptsUntilBack: retries.map((o) => o.status) } });
    }, 90_000);

    it.each([
      ['order', '/orders'],
      ['user', '/users/me'],
    ] as const)(
      'answers a fast JSON 503 DATABASE.UNAVAILABLE, never a 500 or a hang, while the %s database is cut, and recovers without a restart',
      async (app, path) => {
        const instance = system.stack.instances[app][0];
        const database = system.databases[app];
        const pid = instance.process.pid;
        const stream = startStream(() => call(gateway, { path, token: jane.accessToken, timeoutMs: 15_000 }), {
          concurrency: 4,
          pauseMs: 20,
          maxRequests: 4000,
          maxMs: 45_000,
        });
        const answeredSince = (since: number, ok: (o: Outcome) => boolean) => stream.outcomes.filter((o) => o.at > since && ok(o)).length;
        await eventually(async () => answeredSince(0, (o) => o.status === 200) >= 20, Boolean, { what: 'traffic flowing before the cut' });

        await database.goAway();
        const cutAt = Date.now();
        let downReadiness: number;
        try {
          downReadiness = await eventually(
            () => readiness(instance),
            (s) => s === 503,
            { what: 'readiness 503 while the database is away' },
          );
          await eventually(async () => answeredSince(cutAt, (o) => o.status === 503) >= 10, Boolean, { what: 'clients answered while the database is away' });
        } finally {
          // Whatever failed, the next tests get their database back.
          await database.comeBack();
        }
        const upReadiness = await eventually(
          () => readiness(instance),
          (s) => s === 200,
          { timeoutMs: 20_000 },
        );
        const recoveredAt = Date.now();
        await eventually(async () => answeredSince(recoveredAt, () => true) >= 20, Boolean, { what: 'clients answered after the recovery', timeoutMs: 15_000 });
        const outcomes = await stream.stop();

        expect(downReadiness).toBe(503);
        expect(upReadiness).toBe(200);
        expect(instance.process.pid).toBe(pid);
        expect(instance.process.exitCode).toBeNull();
        const failed = outcomes.filter((o) => o.status !== 200);
        expect(failed.length).toBeGreaterThan(0);
        expect(failed.filter((o) => o.status !== 503 || !/application\/json/.test(o.contentType) || bodyOf(o).code !== 'DATABASE.UNAVAILABLE')).toEqual([]);
        expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(5000);
        const afterRecovery = outcomes.filter((o) => o.at > recoveredAt);
        expect(afterRecovery.length).toBeGreaterThan(0);
        expect(afterRecovery.filter((o) => o.status !== 200)).toEqual([]);

        // The same process reconnected: it holds sessions again and writes reach the database.
        const sessions = await database.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
          [app],
        );
        expect(sessions[0].n).toBeGreaterThan(0);
        if (app === 'order') {
          const placed = await call(gateway, {
            method: 'POST',
            path: '/orders',
            token: jane.accessToken,
            body: { items: itemsFor(2), payment_method: 'test_success' },
          });
          expect(placed.status).toBe(201);
          expect(await database.query('SELECT status FROM orders WHERE id = $1', [bodyOf(placed).id])).toEqual([{ status: 'confirmed' }]);
        } else {
          const username = uniqueName();
          const registered = await call(gateway, {
            method: 'POST',
            path: '/users',
            body: { email: `${username}@example.com`, username, password: 'correct-horse-battery' },
          });
          expect(registered.status).toBe(201);
          expect(await database.query('SELECT username FROM users WHERE id = $1', [bodyOf(registered).id])).toEqual([{ username }]);
        }
        const duringOutage = outcomes.filter((o) => o.at >= cutAt && o.at <= recoveredAt);
        report({
          databaseCut: {
            app,
            requests: outcomes.length,
            statuses: countBy(outcomes, (o) => o.status),
            maxMsDuringOutage: Math.max(...duringOutage.map((o) => o.ms)),
          },
        });
      },
      90_000,
    );

    it('answers within PAYMENT_SERVICE_TIMEOUT_MS with a pending order and a clear reason when the payment service hangs, and that order is paid once later through a real payment service', async () => {
      const timeoutMs = 1000;
      let hits = 0;
      const hanging: Server = createServer((_req, res) => {
        hits++;
        const timer = setTimeout(() => res.end('{}'), 10_000);
        res.on('close', () => clearTimeout(timer));
      });
      const port = await freePort();
      await new Promise<void>((resolve) => hanging.listen(port, '127.0.0.1', resolve));
      const database = await createTestDatabase('order');
      const base = { DATABASE_URL: database.url, USER_SERVICE_URL: system.stack.instances.user[0].url, SERVICE_CALL_RETRIES: '0' };
      try {
        const slow = await startService(OrderAppModule, orderService, {
          ...base,
          PAYMENT_SERVICE_URL: `http://127.0.0.1:${port}`,
          PAYMENT_SERVICE_TIMEOUT_MS: String(timeoutMs),
        });
        let placed: Outcome;
        try {
          placed = await call(slow.url, {
            method: 'POST',
            path: '/orders',
            token: jane.accessToken,
            body: { items: itemsFor(3), payment_method: 'test_success' },
          });
        } finally {
          await slow.close();
        }
        expect(hits).toBe(1);
        expect(placed.status).toBe(201);
        expect(placed.ms).toBeGreaterThanOrEqual(timeoutMs);
        expect(placed.ms).toBeLessThan(timeoutMs + 1500);
        expect(bodyOf(placed)).toMatchObject({ status: 'pending', payment_id: null, status_reason: expect.stringMatching(PAYMENT_UNREACHABLE) });
        const id = bodyOf(placed).id!;
        expect(await database.query('SELECT status, payment_id FROM orders WHERE id = $1', [id])).toEqual([{ status: 'pending', payment_id: null }]);

        const real = await startService(OrderAppModule, orderService, { ...base, PAYMENT_SERVICE_URL: system.stack.instances.payment[0].url });
        try {
          const paid = await call(real.url, { method: 'POST', path: `/orders/${id}/pay`, token: jane.accessToken, body: {} });
          expect(paid.status).toBe(200);
          expect(bodyOf(paid)).toMatchObject({ status: 'confirmed', status_reason: null, payment_id: expect.any(String) });
          const again = await call(real.url, { method: 'POST', path: `/orders/${id}/pay`, token: jane.accessToken, body: {} });
          expect(again.status).toBe(409);
        } finally {
          await real.close();
        }
        const [order] = await database.query<{ status: string; payment_id: string; total_minor: string }>(
          'SELECT status, payment_id, total_minor::text AS total_minor FROM orders WHERE id = $1',
          [id],
        );
        const payments = await system.databases.payment.query('SELECT id, status, amount_minor::text AS amount_minor FROM payments WHERE order_id = $1', [id]);
        expect(order.status).toBe('confirmed');
        expect(payments).toEqual([{ id: order.payment_id, status: 'completed', amount_minor: order.total_minor }]);
      } finally {
        hanging.closeAllConnections();
        hanging.close();
        await database.drop();
      }
    }, 60_000);

    it('attaches a charge that completed after the order service gave up on it through /pay, and never charges that order twice', async () => {
      const database = await createTestDatabase('order');
      const order = await startService(OrderAppModule, orderService, {
        DATABASE_URL: database.url,
        USER_SERVICE_URL: system.stack.instances.user[0].url,
        PAYMENT_SERVICE_URL: system.stack.instances.payment[0].url,
        PAYMENT_SERVICE_TIMEOUT_MS: '500',
        SERVICE_CALL_RETRIES: '0',
      });
      // Writes to payments wait behind this lock, so the charge commits only after the order service timed out.
      const lock = new Client({ connectionString: system.databases.payment.url });
      await lock.connect();
      try {
        await lock.query('BEGIN');
        await lock.query('LOCK TABLE payments IN EXCLUSIVE MODE');
        const placed = await call(order.url, {
          method: 'POST',
          path: '/orders',
          token: jane.accessToken,
          body: { items: itemsFor(4), payment_method: 'test_success' },
        });
        expect(placed.status).toBe(201);
        expect(bodyOf(placed)).toMatchObject({ status: 'pending', status_reason: expect.stringMatching(PAYMENT_UNREACHABLE) });
        const id = bodyOf(placed).id!;
        await lock.query('COMMIT');

        const late = await eventually(
          () => system.databases.payment.query<{ id: string; status: string }>('SELECT id, status FROM payments WHERE order_id = $1', [id]),
          (rows) => rows.length > 0,
          { timeoutMs: 10_000 },
        );
        expect(late).toEqual([{ id: expect.any(String), status: 'completed' }]);
        expect(await database.query('SELECT status, payment_id FROM orders WHERE id = $1', [id])).toEqual([{ status: 'pending', payment_id: null }]);

        const paid = await call(order.url, { method: 'POST', path: `/orders/${id}/pay`, token: jane.accessToken, body: {} });
        expect(paid.status).toBe(200);
        expect(bodyOf(paid)).toMatchObject({ status: 'confirmed', payment_id: late[0].id });
        expect(await system.databases.payment.query('SELECT id FROM payments WHERE order_id = $1', [id])).toEqual([{ id: late[0].id }]);
        expect(await database.query('SELECT status, payment_id FROM orders WHERE id = $1', [id])).toEqual([{ status: 'confirmed', payment_id: late[0].id }]);
      } finally {
        await lock.query('ROLLBACK').catch(() => undefined);
        await lock.end();
        await order.close();
        await database.drop();
      }
    }, 60_000);
  });

  describe('two replicas of each service behind nginx', () => {
    let system: RunningStack;
    let gateway: string;
    let jane: Account;

    beforeAll(async () => {
      system = await startSystemStack({ replicas: 2, env: { SHUTDOWN_DELAY_MS: '1500', GATEWAY_INTERNAL_PORT: String(await freePort()) } });
      gateway = system.gatewayUrl;
      jane = await registerAndLogin(request(gateway));
      // Something for every stream to read: an order, its items and its payment.
      const placed = await call(gateway, {
        method: 'POST',
        path: '/orders',
        token: jane.accessToken,
        body: { items: itemsFor(0), payment_method: 'test_success' },
      });
      expect(placed.status).toBe(201);
    }, 120_000);

    afterAll(async () => {
      await system?.close();
    });

    it.each([
      ['user', '/users/me'],
      ['order', '/orders'],
      ['payment', '/payments'],
    ] as const)(
      'fails no client request during a rolling SIGTERM restart of the %s service, and every replica exits 0',
      async (app, path) => {
        const database = system.databases[app];
        const stream = startStream(() => call(gateway, { path, token: jane.accessToken, timeoutMs: 15_000 }), {
          concurrency: 4,
          pauseMs: 20,
          maxRequests: 8000,
          maxMs: 90_000,
        });
        const answeredSince = (since: number) => stream.outcomes.filter((o) => o.at > since).length;
        await eventually(async () => answeredSince(0) >= 20, Boolean, { what: 'traffic flowing before the restart' });
        const started = Date.now();
        const timeline: string[] = [];
        const note = (event: string) => timeline.push(`${Date.now() - started} ms ${event}`);
        const exits = [];
        for (const [i, instance] of system.stack.instances[app].entries()) {
          note(`SIGTERM replica ${instance.replica}`);
          exits.push(await signalAndWait(instance, 'SIGTERM', 30_000));
          note(`replica ${instance.replica} exited ${exits[i].code}`);
          const restartedAt = Date.now();
          await restart(system.stack, instance);
          note(`replica ${instance.replica} ready`);
          // nginx takes a replica back only after its fail_timeout (5 s): the next one stops once it has.
          if (i < system.stack.instances[app].length - 1) {
            expect(await eventually(async () => servedSince(system.logs, instance, 2, path, restartedAt), Boolean, { timeoutMs: 20_000, pauseMs: 250 })).toBe(
              true,
            );
            note(`replica ${instance.replica} serves through the gateway again`);
          }
        }
        const restartedAll = Date.now();
        await eventually(async () => answeredSince(restartedAll) >= 20, Boolean, { what: 'traffic served after the last restart' });
        const outcomes = await stream.stop();
        const failed = outcomes
          .filter((o) => o.status !== 200)
          .map((o) => `${o.at - started} ms: ${o.status} ${(o.body as { message?: string })?.message ?? o.error}`);

        expect(exits.map((e) => ({ code: e.code, signal: e.signal }))).toEqual([
          { code: 0, signal: null },
          { code: 0, signal: null },
        ]);
        expect(exits.every((e) => e.ms >= 1500)).toBe(true);
        expect({ failed, timeline }).toEqual({ failed: [], timeline });
        expect(outcomes.length).toBeGreaterThan(100);
        // Both new replicas hold database sessions again, and none is stuck in a transaction. The
        // outbox relay's poll is briefly idle between its statements, so a stuck session is one
        // seen in every sample, not in one.
        const stuckIn = (rows: { state: string | null }[]) => rows.filter((s) => s.state?.startsWith('idle in transaction'));
        const sessions = await eventually(
          () =>
            database.query<{ state: string | null }>('SELECT state FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [app]),
          (rows) => rows.length > 0 && stuckIn(rows).length === 0,
          { timeoutMs: 5_000, pauseMs: 100 },
        );
        expect(sessions.length).toBeGreaterThan(0);
        expect(stuckIn(sessions)).toEqual([]);
        report({ rollingRestart: { app, requests: outcomes.length, maxMs: Math.max(...outcomes.map((o) => o.ms)), timeline } });
      },
      120_000,
    );
  });
});
