import { createServer, Server } from 'node:http';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin } from '../../../test/support/accounts';
import { ADMIN, CheckoutSystem, startCheckoutSystem } from '../../../test/support/checkout-system';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { freePort } from '../../../test/support/spawned-service';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { OrderAppModule } from '../src/order-app.module';
import { orderService } from '../src/order-service';

const ITEMS = [{ product_name: 'Lamp', quantity: 2, unit_price: 12.5 }];

describe('order service when the services it calls fail', () => {
  describe('payment service down, then back', () => {
    let system: CheckoutSystem;
    let account: Account;

    beforeAll(async () => {
      system = await startCheckoutSystem({
        withPayment: false,
        orderEnv: { PAYMENT_SERVICE_TIMEOUT_MS: '500', SERVICE_CALL_RETRIES: '1', BREAKER_HALF_OPEN_AFTER_MS: '200' },
      });
      account = await registerAndLogin(request(system.user.url));
    });

    afterAll(async () => {
      await system?.close();
    });

    it('keeps the order pending and says so, then pays it exactly once through /pay once the service is back', async () => {
      const placed = await system.order.http
        .post('/orders')
        .set(bearer(account.accessToken))
        .send({ items: ITEMS, payment_method: 'test_success' })
        .expect(201);
      expect(placed.body).toMatchObject({ status: 'pending', payment_id: null, status_reason: expect.stringMatching(/payment service could not be reached/) });
      const stored = await system.databases.order.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [placed.body.id]);
      expect(stored).toEqual([{ status: 'pending' }]);

      // The failed charge (two attempts) is below the breaker's threshold: /pay calls the service at once.
      expect((await system.order.http.get('/metrics').expect(200)).text).toMatch(/circuit_breaker_state\{target="payment"[^}]*\} 0\n/);
      await system.startPayment();
      const paid = await system.order.http.post(`/orders/${placed.body.id}/pay`).set(bearer(account.accessToken)).send({}).expect(200);
      expect(paid.body).toMatchObject({ status: 'confirmed', status_reason: null, payment_id: expect.any(String) });
      await system.order.http.post(`/orders/${placed.body.id}/pay`).set(bearer(account.accessToken)).send({}).expect(409);
      const payments = await system.paymentsOf(placed.body.id, account.accessToken);
      expect(payments.map((p) => p.status)).toEqual(['completed']);
    });
  });

  describe('user service down', () => {
    let db: TestDatabase;
    let order: ServiceUnderTest;
    let system: CheckoutSystem;
    let account: Account;

    beforeAll(async () => {
      // A real user service issues the token; the order service under test points at a closed port.
      system = await startCheckoutSystem({ withPayment: false });
      account = await registerAndLogin(request(system.user.url));
      db = await createTestDatabase('order');
      await system.order.close();
      order = await startService(OrderAppModule, orderService, {
        ...db.env,
        USER_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
        PAYMENT_SERVICE_URL: `http://127.0.0.1:${system.paymentPort}`,
        USER_SERVICE_TIMEOUT_MS: '300',
        SERVICE_CALL_RETRIES: '0',
        BREAKER_THRESHOLD: '3',
        BREAKER_HALF_OPEN_AFTER_MS: '60000',
      });
    });

    afterAll(async () => {
      await order?.close();
      await db?.drop();
      await system?.user.stop();
      await Promise.all(Object.values(system?.databases ?? {}).map((d) => d.drop()));
    });

    it('answers 503 with a clear message, writes nothing, and opens the breaker after repeated failures', async () => {
      const reasons = [];
      for (let i = 0; i < 5; i++) {
        const res = await order.http.post('/orders').set(bearer(account.accessToken)).set('Idempotency-Key', `down-${i}`).send({ items: ITEMS }).expect(503);
        expect(res.body).toMatchObject({
          statusCode: 503,
          code: 'USER_SERVICE.UNAVAILABLE',
          message: 'The user service is unavailable, so your account could not be checked; try again shortly',
        });
        reasons.push(res.body.details.reason);
      }
      expect(reasons.slice(0, 3)).toEqual(['network', 'network', 'network']);
      expect(reasons.slice(3)).toEqual(['breaker_open', 'breaker_open']);
      expect(await db.query('SELECT id FROM orders')).toEqual([]);
      expect(await db.query('SELECT id FROM order_items')).toEqual([]);
    });
  });

  describe('a slow payment service', () => {
    let slow: Server;
    let system: CheckoutSystem;
    let account: Account;
    let orders: TestAgent;

    beforeAll(async () => {
      const port = await freePort();
      slow = createServer((_req, res) => {
        const timer = setTimeout(() => res.end('{}'), 10_000);
        res.on('close', () => clearTimeout(timer));
      });
      await new Promise<void>((resolve) => slow.listen(port, '127.0.0.1', resolve));
      system = await startCheckoutSystem({
        withPayment: false,
        orderEnv: { PAYMENT_SERVICE_URL: `http://127.0.0.1:${port}`, PAYMENT_SERVICE_TIMEOUT_MS: '400', SERVICE_CALL_RETRIES: '0' },
      });
      account = await registerAndLogin(request(system.user.url));
      orders = system.order.http;
    });

    afterAll(async () => {
      slow.closeAllConnections();
      slow.close();
      await system?.close();
    });

    it('answers within its timeout with a pending order that can be paid later', async () => {
      const placed = await orders.post('/orders').set(bearer(account.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
      expect(placed.body.status).toBe('pending');
      expect(placed.body.status_reason).toMatch(/POST \/orders\/\{id\}\/pay/);
    });
  });

  describe('a deactivated user', () => {
    let system: CheckoutSystem;

    beforeAll(async () => {
      system = await startCheckoutSystem();
    });

    afterAll(async () => {
      await system?.close();
    });

    it('cannot place orders with a token issued before the deactivation', async () => {
      const account = await registerAndLogin(request(system.user.url));
      const admin = (await request(system.user.url).post('/users/login').send({ email: ADMIN.email, password: ADMIN.password }).expect(200)).body.access_token;
      await request(system.user.url).patch(`/users/${account.id}`).set(bearer(admin)).send({ is_active: false }).expect(200);
      const res = await system.order.http.post('/orders').set(bearer(account.accessToken)).send({ items: ITEMS }).expect(401);
      expect(res.body.code).toBe('AUTH.USER_INACTIVE');
      expect(await system.databases.order.query('SELECT id FROM orders')).toEqual([]);
    });
  });
});
