import { randomUUID } from 'node:crypto';
import { spawnService } from '../../../test/support/spawned-service';
import { createTestDatabase, itOnServer, TestDatabase } from '../../../test/support/test-database';
import { eventually } from '../../../test/support/eventually';
import { startFakeUserService } from './helpers/fake-user-service';
import { newPayer, orderServiceHeader } from './helpers/tokens';

describe('payment service process: configuration checks and shutdown', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('payment');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it.each([
    ['a PAYMENT_DECLINE_RATE above 1', { PAYMENT_DECLINE_RATE: '1.5' }, /PAYMENT_DECLINE_RATE must be a number between 0 and 1 \(got "1.5"\)/],
    ['a PAYMENT_DECLINE_RATE that is not a number', { PAYMENT_DECLINE_RATE: 'often' }, /PAYMENT_DECLINE_RATE must be a number between 0 and 1/],
    ['an ORDER_SERVICE_URL that is not http', { ORDER_SERVICE_URL: 'ftp://orders' }, /ORDER_SERVICE_URL must be an http\(s\) URL/],
    ['a PAYMENT_EVENTS_POLL_MS of 0', { PAYMENT_EVENTS_POLL_MS: '0' }, /PAYMENT_EVENTS_POLL_MS must be an integer between 10 and 60000/],
    [
      'an ORDER_SERVICE_TIMEOUT_MS that is not an integer',
      { ORDER_SERVICE_TIMEOUT_MS: '1.5' },
      /ORDER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000/,
    ],
  ])('refuses to start with %s, in one clear line', async (_case, env, message) => {
    const service = await spawnService('payment', { ...db.env, PORT: '0', ...env }, { waitReady: false });
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  itOnServer('it reads the outbox of a service running in another process')(
    'keeps running while the order service is unreachable, then stops its relay and exits 0 on SIGTERM',
    async () => {
      const users = await startFakeUserService();
      const service = await spawnService('payment', {
        ...db.env,
        ORDER_SERVICE_URL: 'http://127.0.0.1:9',
        USER_SERVICE_URL: users.url,
        PAYMENT_EVENTS_POLL_MS: '50',
      });
      try {
        const auth = { authorization: `Bearer ${newPayer().token}` };
        const body = JSON.stringify({ order_id: randomUUID(), amount: 5, payment_method: 'test_success' });
        const created = await fetch(`${service.url}/payments`, {
          method: 'POST',
          headers: { ...auth, ...orderServiceHeader(), 'content-type': 'application/json' },
          body,
        });
        const payment = (await created.json()) as { id: string };
        // The order service's own refund (a buyer's would need the order service to allow it first).
        const refund = await fetch(`${service.url}/payments/internal/payments/${payment.id}/refund`, {
          method: 'POST',
          headers: { authorization: `Bearer ${orderServiceHeader()['X-Service-Token']}` },
        });
        expect(refund.status).toBe(200);
        await eventually(async () => {
          const [row] = await db.query<{ attempts: number }>('SELECT attempts FROM payment_events WHERE payment_id = $1', [payment.id]);
          return row?.attempts >= 2;
        });
        expect((await fetch(`${service.url}/payments/health`)).status).toBe(200);
      } finally {
        expect(await service.stop('SIGTERM')).toBe(0);
        await users.close();
      }
      expect(service.output()).toContain('order service unreachable');
    },
  );
});
