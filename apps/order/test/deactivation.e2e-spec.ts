import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin } from '../../../test/support/accounts';
import { ADMIN, CheckoutSystem, startCheckoutSystem } from '../../../test/support/checkout-system';

const ITEMS = [{ product_name: 'Lamp', quantity: 2, unit_price: 12.5 }];

describe('a user deactivated or demoted through the API, with an unexpired access token', () => {
  let system: CheckoutSystem;
  let users: TestAgent;
  let payments: TestAgent;
  let adminToken: string;

  beforeAll(async () => {
    system = await startCheckoutSystem();
    users = request(system.user.url);
    payments = request(system.payment!.url);
    adminToken = (await users.post('/users/login').send({ email: ADMIN.email, password: ADMIN.password }).expect(200)).body.access_token;
  });

  afterAll(async () => {
    await system?.close();
  });

  const place = async (account: Account, payment_method = 'test_success') =>
    (await system.order.http.post('/orders').set(bearer(account.accessToken)).send({ items: ITEMS, payment_method }).expect(201)).body;
  const setAccess = (id: string, body: object) => users.patch(`/users/${id}`).set(bearer(adminToken)).send(body).expect(200);

  it('refuses every order and payment route (401 AUTH.USER_INACTIVE), changes nothing, and still answers GET /users/me', async () => {
    const carol = await registerAndLogin(users);
    const confirmed = await place(carol);
    const pending = await place(carol, 'test_decline');
    expect(confirmed).toMatchObject({ status: 'confirmed', payment_id: expect.any(String) });
    await setAccess(carol.id, { is_active: false });

    const token = bearer(carol.accessToken);
    const attempts: Array<[string, Promise<request.Response>]> = [
      ['POST /orders', system.order.http.post('/orders').set(token).send({ items: ITEMS, payment_method: 'test_success' })],
      ['GET /orders', system.order.http.get('/orders').set(token)],
      ['GET /orders/:id', system.order.http.get(`/orders/${confirmed.id}`).set(token)],
      ['cancel', system.order.http.patch(`/orders/${confirmed.id}/status`).set(token).send({ status: 'cancelled' })],
      ['pay', system.order.http.post(`/orders/${pending.id}/pay`).set(token).send({ payment_method: 'test_success' })],
      ['GET /payments', payments.get('/payments').set(token)],
      ['GET /payments/:id', payments.get(`/payments/${confirmed.payment_id}`).set(token)],
      ['refund', payments.post(`/payments/${confirmed.payment_id}/refund`).set(token)],
      ['GET /users/:id', users.get(`/users/${carol.id}`).set(token)],
    ];
    const answers = [];
    for (const [name, attempt] of attempts) {
      const res = await attempt;
      answers.push([name, res.status, res.body.code]);
    }
    expect(answers).toEqual(attempts.map(([name]) => [name, 401, 'AUTH.USER_INACTIVE']));

    const me = await users.get('/users/me').set(token).expect(200);
    expect(me.body).toMatchObject({ id: carol.id, is_active: false });
    // Nothing was written: seen through the API once she is active again.
    await setAccess(carol.id, { is_active: true });
    const orders = await system.order.http.get('/orders').set(token).expect(200);
    expect(orders.body.map((o: { id: string; status: string }) => [o.id, o.status]).sort()).toEqual(
      [
        [confirmed.id, 'confirmed'],
        [pending.id, 'payment_failed'],
      ].sort(),
    );
    expect((await payments.get(`/payments/${confirmed.payment_id}`).set(token).expect(200)).body.status).toBe('completed');
  });

  it('lets a reactivated user work again with the same token', async () => {
    const dave = await registerAndLogin(users);
    await setAccess(dave.id, { is_active: false });
    await system.order.http.get('/orders').set(bearer(dave.accessToken)).expect(401);
    await setAccess(dave.id, { is_active: true });
    await system.order.http.get('/orders').set(bearer(dave.accessToken)).expect(200);
    await payments.get('/payments').set(bearer(dave.accessToken)).expect(200);
  });

  it('takes admin rights away at once from a demoted admin whose token still says admin', async () => {
    const owner = await registerAndLogin(users);
    const order = await place(owner);
    const erin = await registerAndLogin(users);
    await setAccess(erin.id, { role: 'admin' });
    const erinAdmin = (await users.post('/users/login').send({ username: erin.username, password: erin.password }).expect(200)).body.access_token;
    await system.order.http.get(`/orders/${order.id}`).set(bearer(erinAdmin)).expect(200);
    await system.order.http.patch(`/orders/${order.id}/status`).set(bearer(erinAdmin)).send({ status: 'shipped' }).expect(200);
    await setAccess(erin.id, { role: 'user' });
    await system.order.http.get(`/orders/${order.id}`).set(bearer(erinAdmin)).expect(404);
    await system.order.http.patch(`/orders/${order.id}/status`).set(bearer(erinAdmin)).send({ status: 'delivered' }).expect(404);
    await users.get('/users').set(bearer(erinAdmin)).expect(403);
  });

  it('fails closed with 503 USER_SERVICE.UNAVAILABLE while the user service is down, and health still answers', async () => {
    const frank = await registerAndLogin(users);
    await system.user.stop();
    const fromOrders = await system.order.http.get('/orders').set(bearer(frank.accessToken)).expect(503);
    const fromPayments = await payments.get('/payments').set(bearer(frank.accessToken)).expect(503);
    for (const res of [fromOrders, fromPayments]) expect(res.body).toMatchObject({ statusCode: 503, code: 'USER_SERVICE.UNAVAILABLE' });
    await system.order.http.get('/orders/health').expect(200);
    await payments.get('/payments/health').expect(200);
  });
});
