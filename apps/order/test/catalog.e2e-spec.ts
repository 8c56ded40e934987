import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin } from '../../../test/support/accounts';
import { ADMIN, CheckoutSystem, startCheckoutSystem } from '../../../test/support/checkout-system';
import { eventually } from '../../../test/support/eventually';
import { itOnServer } from '../../../test/support/test-database';

interface ProductView {
  id: string;
  sku: string;
  name: string;
  price: number;
  currency: string;
  stock_on_hand: number;
  active: boolean;
}

describe('order service: the catalog prices orders and holds their stock', () => {
  let system: CheckoutSystem;
  let users: TestAgent;
  let payments: TestAgent;
  let orders: TestAgent;
  let buyer: Account;
  let admin: string;

  beforeAll(async () => {
    system = await startCheckoutSystem();
    users = request(system.user.url);
    payments = request(system.payment!.url);
    orders = system.order.http;
    buyer = await registerAndLogin(users);
    admin = (await users.post('/users/login').send({ email: ADMIN.email, password: ADMIN.password }).expect(200)).body.access_token as string;
  });

  afterAll(async () => {
    await system?.close();
  });

  /** A product of this test alone, so each test knows its stock exactly. */
  async function newProduct(fields: { price?: number | string; stock?: number; currency?: string; name?: string } = {}): Promise<ProductView> {
    const suffix = randomBytes(4).toString('hex');
    const res = await orders
      .post('/orders/products')
      .set(bearer(admin))
      .send({
        sku: `T-${suffix}`,
        name: fields.name ?? `Thing ${suffix}`,
        price: fields.price ?? 12.5,
        currency: fields.currency,
        stock_on_hand: fields.stock ?? 10,
      })
      .expect(201);
    return res.body as ProductView;
  }
  const stockOf = async (id: string) => ((await orders.get(`/orders/products/${id}`).expect(200)).body as ProductView).stock_on_hand;
  const checkout = (body: object, token = buyer.accessToken) =>
    orders
      .post('/orders')
      .set(bearer(token))
      .send({ payment_method: 'test_success', ...body });
  const paymentCount = async () => Number((await payments.get('/payments?limit=1').set(bearer(buyer.accessToken)).expect(200)).headers['x-total-count']);
  const orderCount = async (token = buyer.accessToken) => Number((await orders.get('/orders?limit=1').set(bearer(token)).expect(200)).headers['x-total-count']);

  describe('browsing', () => {
    it('lists active products to anyone, by name, paged, with X-Total-Count', async () => {
      const res = await orders.get('/orders/products?limit=2').expect(200);
      expect(res.body).toHaveLength(2);
      const total = Number(res.headers['x-total-count']);
      expect(total).toBeGreaterThanOrEqual(16);
      const all = (await orders.get('/orders/products?limit=100').expect(200)).body as ProductView[];
      expect(all.map((p) => p.name)).toEqual([...all.map((p) => p.name)].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
      expect(all.find((p) => p.sku === 'KB-MECH-01')).toMatchObject({ name: 'Mechanical keyboard', price: 19.99, currency: 'USD', active: true });
      const second = (await orders.get('/orders/products?limit=2&offset=1').expect(200)).body as ProductView[];
      expect(second[0].id).toBe(res.body[1].id);
    });

    it('searches by a part of the name, case-insensitively, with % and _ taken literally', async () => {
      const found = (await orders.get('/orders/products?search=KEYBOARD').expect(200)).body as ProductView[];
      expect(found.map((p) => p.sku)).toEqual(['KB-MECH-01']);
      await orders.get('/orders/products?search=%25').expect(200).expect('x-total-count', '0');
      await orders.get('/orders/products?search=_').expect(200).expect('x-total-count', '0');
    });

    it('shows a deactivated product by id and under active=false, never in the default list', async () => {
      const product = await newProduct();
      await orders.delete(`/orders/products/${product.id}`).set(bearer(admin)).expect(200);
      expect((await orders.get(`/orders/products/${product.id}`).expect(200)).body.active).toBe(false);
      const active = (await orders.get(`/orders/products?search=${product.name}`).expect(200)).body as ProductView[];
      expect(active).toEqual([]);
      const inactive = (await orders.get(`/orders/products?search=${product.name}&active=false`).expect(200)).body as ProductView[];
      expect(inactive.map((p) => p.id)).toEqual([product.id]);
    });

    it('answers 404 for an unknown product and 400 for an id that is not a UUID', async () => {
      await orders.get('/orders/products/3f0c8a52-1b7e-4d2a-9c61-7a4e2b9d5f10').expect(404);
      const res = await orders.get('/orders/products/keyboard').expect(400);
      expect(res.body.errors[0].field).toBe('id');
      await orders.get('/orders/products?active=maybe').expect(400);
    });
  });

  describe('admin-only writes', () => {
    const body = { sku: 'NEW-01', name: 'New thing', price: 5 };

    it('refuses writes without a token (401) and from a customer (403)', async () => {
      const product = await newProduct();
      await orders.post('/orders/products').send(body).expect(401);
      await orders.post('/orders/products').set(bearer(buyer.accessToken)).send(body).expect(403);
      await orders.patch(`/orders/products/${product.id}`).set(bearer(buyer.accessToken)).send({ price: 0.01 }).expect(403);
      await orders.post(`/orders/products/${product.id}/restock`).set(bearer(buyer.accessToken)).send({ quantity: 5 }).expect(403);
      await orders.delete(`/orders/products/${product.id}`).set(bearer(buyer.accessToken)).expect(403);
      expect((await orders.get(`/orders/products/${product.id}`).expect(200)).body).toMatchObject({ price: 12.5, stock_on_hand: 10, active: true });
    });

    it('keeps SKUs unique, and names unique among active products', async () => {
      const product = await newProduct();
      const sku = await orders.post('/orders/products').set(bearer(admin)).send({ sku: product.sku, name: 'Other', price: 1 }).expect(409);
      expect(sku.body).toMatchObject({ code: 'CATALOG.SKU_TAKEN', message: 'Another product has this sku' });
      const name = await orders
        .post('/orders/products')
        .set(bearer(admin))
        .send({ sku: `${product.sku}-B`, name: product.name.toUpperCase(), price: 1 })
        .expect(409);
      expect(name.body.code).toBe('CATALOG.NAME_TAKEN');
      // Once the first is retired, its name can be sold again.
      await orders.delete(`/orders/products/${product.id}`).set(bearer(admin)).expect(200);
      await orders
        .post('/orders/products')
        .set(bearer(admin))
        .send({ sku: `${product.sku}-B`, name: product.name, price: 1 })
        .expect(201);
      const reactivate = await orders.patch(`/orders/products/${product.id}`).set(bearer(admin)).send({ active: true }).expect(409);
      expect(reactivate.body.code).toBe('CATALOG.NAME_TAKEN');
    });

    it.each([
      [{ ...body, price: 0 }, 'price', 'price must be a number greater than 0 and at most 1000000 with at most 2 decimals'],
      [{ ...body, price: 19.999 }, 'price', 'price must be a number greater than 0 and at most 1000000 with at most 2 decimals'],
      [{ ...body, sku: 'has space' }, 'sku', 'sku must be 1 to 64 letters, digits, dots, dashes or underscores'],
      [{ ...body, name: '' }, 'name', 'name must be 1 to 200 characters'],
      [{ ...body, stock_on_hand: -1 }, 'stock_on_hand', 'stock_on_hand must be an integer between 0 and 1000000'],
      [{ ...body, currency: 'KWD' }, 'currency', 'currency KWD has 3 decimals; only currencies with 0 or 2 decimals are accepted'],
      [{ ...body, stock_on_hand: 1, id: 'mine' }, 'id', 'property id should not exist'],
    ])('refuses %j with 400 naming %s', async (product, field, message) => {
      const res = await orders.post('/orders/products').set(bearer(admin)).send(product).expect(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, messages: expect.arrayContaining([message]) }]));
    });

    it('refuses a yen price with decimals (422), and restocks only by a positive whole number, up to a million units on hand', async () => {
      const yen = await orders
        .post('/orders/products')
        .set(bearer(admin))
        .send({ ...body, sku: 'YEN-1', currency: 'JPY', price: 19.99 })
        .expect(422);
      expect(yen.body).toMatchObject({ code: 'MONEY.TOO_MANY_DECIMALS', message: 'price must have at most 0 decimals in JPY' });
      const product = await newProduct();
      for (const quantity of [0, -3, 1.5, 'ten']) await orders.post(`/orders/products/${product.id}/restock`).set(bearer(admin)).send({ quantity }).expect(400);
      expect((await orders.post(`/orders/products/${product.id}/restock`).set(bearer(admin)).send({ quantity: 5 }).expect(200)).body.stock_on_hand).toBe(15);
      const past = await orders.post(`/orders/products/${product.id}/restock`).set(bearer(admin)).send({ quantity: 999_986 }).expect(422);
      expect(past.body).toMatchObject({ code: 'CATALOG.STOCK_LIMIT', message: 'The stock on hand would exceed 1000000 units (it is 15)' });
      expect((await orders.post(`/orders/products/${product.id}/restock`).set(bearer(admin)).send({ quantity: 999_985 }).expect(200)).body.stock_on_hand).toBe(
        1_000_000,
      );
      await orders.post('/orders/products/3f0c8a52-1b7e-4d2a-9c61-7a4e2b9d5f10/restock').set(bearer(admin)).send({ quantity: 1 }).expect(404);
    });
  });

  describe('orders take their prices from the catalog', () => {
    it('charges the catalog price for an item that sends none, by id, sku or name', async () => {
      const product = await newProduct({ price: 12.5 });
      const res = await checkout({
        items: [
          { product_id: product.id, quantity: 1 },
          { sku: product.sku, quantity: 1 },
          { product_name: product.name, quantity: 2 },
        ],
      }).expect(201);
      expect(res.body).toMatchObject({ status: 'confirmed', total_amount: 50, currency: 'USD' });
      expect(res.body.items[0]).toEqual({
        product_id: product.id,
        sku: product.sku,
        product_name: product.name,
        quantity: 1,
        unit_price: 12.5,
        line_total: 12.5,
      });
      const [payment] = await system.paymentsOf(res.body.id, buyer.accessToken);
      expect(payment.amount).toBe(50);
    });

    it('refuses the 0.01 attack: 422 naming the real price, and no order, no payment, no stock taken', async () => {
      const product = await newProduct({ price: 19.99, stock: 3 });
      const before = await orderCount();
      const paymentsBefore = await paymentCount();
      const res = await checkout({ items: [{ name: product.name, quantity: 3, price: 0.01 }] }).expect(422);
      expect(res.body).toMatchObject({
        code: 'ORDER.PRICE_CHANGED',
        message: `The price changed: ${product.name} now costs 19.99 USD. Send the order again with the current price`,
        details: { items: [{ index: 0, product_id: product.id, sku: product.sku, price: 0.01, current_price: 19.99 }] },
      });
      expect(await orderCount()).toBe(before);
      expect(await stockOf(product.id)).toBe(3);
      expect(await paymentCount()).toBe(paymentsBefore);
    });

    it('keeps a placed order’s price when the catalog’s changes, and refuses the old price afterwards', async () => {
      const product = await newProduct({ price: 10 });
      const first = await checkout({ items: [{ sku: product.sku, quantity: 1, unit_price: 10 }] }).expect(201);
      await orders.patch(`/orders/products/${product.id}`).set(bearer(admin)).send({ price: 11.25 }).expect(200);
      const stale = await checkout({ items: [{ sku: product.sku, quantity: 1, unit_price: 10 }] }).expect(422);
      expect(stale.body.details.items[0]).toMatchObject({ unit_price: 10, current_price: 11.25 });
      await checkout({ items: [{ sku: product.sku, quantity: 1, unit_price: 11.25 }] }).expect(201);
      expect((await orders.get(`/orders/${first.body.id}`).set(bearer(buyer.accessToken)).expect(200)).body).toMatchObject({
        total_amount: 10,
        items: [{ unit_price: 10 }],
      });
    });

    it('names unknown and retired products with 422', async () => {
      const retired = await newProduct();
      await orders.delete(`/orders/products/${retired.id}`).set(bearer(admin)).expect(200);
      const unknown = await checkout({ items: [{ name: 'Unicorn saddle', quantity: 1, price: 5 }] }).expect(422);
      expect(unknown.body).toMatchObject({ code: 'ORDER.UNKNOWN_PRODUCT', message: 'No such product in the catalog: product "Unicorn saddle"' });
      const gone = await checkout({ items: [{ product_id: retired.id, quantity: 1 }] }).expect(422);
      expect(gone.body).toMatchObject({ code: 'ORDER.PRODUCT_UNAVAILABLE', message: `No longer sold: ${retired.name}` });
      const byName = await checkout({ items: [{ product_name: retired.name, quantity: 1 }] }).expect(422);
      expect(byName.body.code).toBe('ORDER.UNKNOWN_PRODUCT');
    });

    it('folds names’ case in the database alone: one active ΚΑΦΕΣ/καφες, and an order by name pays for that product', async () => {
      const upper = await newProduct({ name: 'ΚΑΦΕΣ', price: 5 });
      const clash = await orders
        .post('/orders/products')
        .set(bearer(admin))
        .send({ sku: `${upper.sku}-L`, name: 'καφες', price: 7 });
      // On a database whose locale folds Greek the two are one name; elsewhere a second product, never the first's price.
      expect([201, 409]).toContain(clash.status);
      const byUpper = await checkout({ items: [{ product_name: 'ΚΑΦΕΣ', quantity: 1 }] }).expect(201);
      expect(byUpper.body.items[0]).toMatchObject({ product_id: upper.id, unit_price: 5 });
      const byLower = await checkout({ items: [{ product_name: 'καφες', quantity: 1 }] }).expect(201);
      expect(byLower.body.items[0].unit_price).toBe(clash.status === 201 ? 7 : 5);
      const turkish = await newProduct({ name: 'İstanbul mug', price: 8 });
      const byTurkish = await checkout({ items: [{ product_name: 'İstanbul mug', quantity: 1 }] }).expect(201);
      expect(byTurkish.body.items[0].product_id).toBe(turkish.id);
    });

    it('refuses an item whose fields name two products, or send a field and its alias', async () => {
      const product = await newProduct();
      const other = await checkout({ items: [{ product_id: product.id, product_name: 'Mechanical keyboard', quantity: 1 }] }).expect(422);
      expect(other.body.code).toBe('ORDER.UNKNOWN_PRODUCT');
      await checkout({ items: [{ product_id: product.id, product_name: product.name.toUpperCase(), quantity: 1 }] }).expect(201);
      const prices = await checkout({ items: [{ sku: product.sku, quantity: 1, unit_price: 12.5, price: 0.01 }] }).expect(400);
      expect(prices.body.errors).toEqual([{ field: 'items.0.price', messages: ['items.0.price is an alias of unit_price: send one of them'] }]);
      const names = await checkout({ items: [{ product_name: product.name, name: 'Desk', quantity: 1 }] }).expect(400);
      expect(names.body.errors).toEqual([{ field: 'items.0.name', messages: ['items.0.name is an alias of product_name: send one of them'] }]);
    });

    it('refuses a currency that is not the products’', async () => {
      const res = await checkout({ items: [{ sku: 'KB-MECH-01', quantity: 1 }], currency: 'EUR' }).expect(422);
      expect(res.body).toMatchObject({ code: 'ORDER.CURRENCY_MISMATCH', message: 'Mechanical keyboard is sold in USD, not EUR' });
    });
  });

  describe('stock', () => {
    it('is taken at checkout and given back when the payment is declined', async () => {
      const product = await newProduct({ stock: 5 });
      await checkout({ items: [{ sku: product.sku, quantity: 2 }] }).expect(201);
      expect(await stockOf(product.id)).toBe(3);
      const declined = await checkout({ items: [{ sku: product.sku, quantity: 3 }], payment_method: 'test_decline' }).expect(201);
      expect(declined.body.status).toBe('payment_failed');
      expect(await stockOf(product.id)).toBe(3);
    });

    it('answers 409 naming the item and what is left, and writes nothing', async () => {
      const product = await newProduct({ stock: 2 });
      const before = await orderCount();
      const res = await checkout({
        items: [
          { sku: product.sku, quantity: 2 },
          { product_id: product.id, quantity: 1 },
        ],
      }).expect(409);
      expect(res.body).toMatchObject({
        code: 'ORDER.OUT_OF_STOCK',
        message: `Not enough stock: ${product.name}: 3 asked, 2 left`,
        details: { items: [{ product_id: product.id, sku: product.sku, requested: 3, available: 2 }] },
      });
      expect(await orderCount()).toBe(before);
      expect(await stockOf(product.id)).toBe(2);
    });

    it('comes back when a confirmed order is cancelled, and once only', async () => {
      const product = await newProduct({ stock: 4 });
      const placed = await checkout({ items: [{ sku: product.sku, quantity: 4 }] }).expect(201);
      expect(await stockOf(product.id)).toBe(0);
      const cancels = await Promise.all(
        Array.from({ length: 5 }, () => orders.patch(`/orders/${placed.body.id}/status`).set(bearer(buyer.accessToken)).send({ status: 'cancelled' })),
      );
      expect(cancels.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
      expect(await stockOf(product.id)).toBe(4);
    });

    it('comes back on a refund before shipment, not after it', async () => {
      const product = await newProduct({ stock: 4 });
      const early = await checkout({ items: [{ sku: product.sku, quantity: 1 }] }).expect(201);
      await payments.post(`/payments/${early.body.payment_id}/refund`).set(bearer(buyer.accessToken)).expect(200);
      await eventually(async () => (await orders.get(`/orders/${early.body.id}`).set(bearer(buyer.accessToken))).body.status === 'refunded', Boolean, {
        what: 'order refunded',
      });
      expect(await stockOf(product.id)).toBe(4);

      const shipped = await checkout({ items: [{ sku: product.sku, quantity: 2 }] }).expect(201);
      await orders.patch(`/orders/${shipped.body.id}/status`).set(bearer(admin)).send({ status: 'shipped' }).expect(200);
      await payments.post(`/payments/${shipped.body.payment_id}/refund`).set(bearer(admin)).expect(200);
      await eventually(async () => (await orders.get(`/orders/${shipped.body.id}`).set(bearer(buyer.accessToken))).body.status === 'refunded', Boolean, {
        what: 'order refunded',
      });
      expect(await stockOf(product.id)).toBe(2);
    });

    it('is taken again when a declined order is paid, or the retry is refused with 409 when it is gone', async () => {
      const product = await newProduct({ stock: 3 });
      const declined = await checkout({ items: [{ sku: product.sku, quantity: 2 }], payment_method: 'test_decline' }).expect(201);
      const paid = await orders.post(`/orders/${declined.body.id}/pay`).set(bearer(buyer.accessToken)).send({ payment_method: 'test_success' }).expect(200);
      expect(paid.body.status).toBe('confirmed');
      expect(await stockOf(product.id)).toBe(1);

      const second = await checkout({ items: [{ sku: product.sku, quantity: 1 }], payment_method: 'test_decline' }).expect(201);
      await checkout({ items: [{ sku: product.sku, quantity: 1 }] }).expect(201);
      const retry = await orders.post(`/orders/${second.body.id}/pay`).set(bearer(buyer.accessToken)).send({ payment_method: 'test_success' }).expect(409);
      expect(retry.body).toMatchObject({ code: 'ORDER.OUT_OF_STOCK', details: { items: [{ product_id: product.id, requested: 1, available: 0 }] } });
      expect((await orders.get(`/orders/${second.body.id}`).set(bearer(buyer.accessToken)).expect(200)).body.status).toBe('payment_failed');
      expect(await stockOf(product.id)).toBe(0);
    });

    it('sells ten units to exactly ten of a hundred concurrent buyers', async () => {
      const product = await newProduct({ stock: 10, price: 7.5 });
      const buyers = await Promise.all(Array.from({ length: 10 }, () => registerAndLogin(users)));
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) => checkout({ items: [{ sku: product.sku, quantity: 1 }] }, buyers[i % 10].accessToken)),
      );
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.filter((s) => s === 409)).toHaveLength(90);
      expect(replies.filter((r) => r.status === 409).every((r) => r.body.code === 'ORDER.OUT_OF_STOCK')).toBe(true);
      expect(await stockOf(product.id)).toBe(0);
      const [sold] = await system.databases.order.query<{ units: string; orders: string }>(
        'SELECT coalesce(sum(quantity), 0) AS units, count(DISTINCT order_id) AS orders FROM order_items WHERE product_id = $1',
        [product.id],
      );
      expect(sold).toEqual({ units: '10', orders: '10' });
    });

    /**
     * A checkout reads the catalog without locks and its insert checks again what it priced on. An
     * admin's change held uncommitted while checkouts wait on the product's row: once it commits,
     * each checkout must price again from it, never take the units at what it read before.
     */
    async function whileChangeCommits<T>(productId: string, change: string, placed: () => PromiseLike<T>[]): Promise<T[]> {
      const session = new Client({ connectionString: system.databases.order.url });
      await session.connect();
      try {
        await session.query('BEGIN');
        await session.query(`UPDATE products SET ${change}, updated_at = now() WHERE id = $1`, [productId]);
        // Promise.resolve sends each request now (supertest sends on the first then).
        const pending = placed().map((request) => Promise.resolve(request));
        const waiting = () =>
          system.databases.order.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO orders%'",
          );
        await eventually(waiting, ([row]) => row.n === pending.length, { what: 'every checkout waiting on the product row' });
        await session.query('COMMIT');
        return await Promise.all(pending);
      } finally {
        await session.query('ROLLBACK').catch(() => undefined);
        await session.end();
      }
    }

    itOnServer('a second session holds the product row while the service places orders')(
      'prices again when the price changes while an order is placed: the new price, or 422 to a client that sent the old one',
      async () => {
        const product = await newProduct({ price: 10, stock: 5 });
        const [byId, withOldPrice] = await whileChangeCommits(product.id, 'price_minor = 1125', () => [
          checkout({ items: [{ product_id: product.id, quantity: 2 }] }),
          checkout({ items: [{ name: product.name, quantity: 1, price: 10 }] }),
        ]);
        expect(byId.status).toBe(201);
        expect(byId.body).toMatchObject({ total_amount: 22.5, items: [{ unit_price: 11.25, quantity: 2 }] });
        expect(withOldPrice.status).toBe(422);
        expect(withOldPrice.body).toMatchObject({ code: 'ORDER.PRICE_CHANGED', details: { items: [{ price: 10, current_price: 11.25 }] } });
        expect(await stockOf(product.id)).toBe(3);
      },
    );

    itOnServer('a second session holds the product row while the service places orders')(
      'answers 409 when the units a checkout read are sold before it takes them, and 422 when the product is withdrawn meanwhile',
      async () => {
        const sold = await newProduct({ stock: 5 });
        const [late] = await whileChangeCommits(sold.id, 'stock_on_hand = 1', () => [checkout({ items: [{ sku: sold.sku, quantity: 2 }] })]);
        expect(late.status).toBe(409);
        expect(late.body).toMatchObject({ code: 'ORDER.OUT_OF_STOCK', details: { items: [{ product_id: sold.id, requested: 2, available: 1 }] } });
        expect(await stockOf(sold.id)).toBe(1);

        const withdrawn = await newProduct({ stock: 5 });
        const before = await orderCount();
        const [refused] = await whileChangeCommits(withdrawn.id, 'active = false', () => [checkout({ items: [{ sku: withdrawn.sku, quantity: 1 }] })]);
        expect(refused.status).toBe(422);
        expect(refused.body.code).toBe('ORDER.PRODUCT_UNAVAILABLE');
        expect(await stockOf(withdrawn.id)).toBe(5);
        expect(await orderCount()).toBe(before);
      },
    );

    it('takes the stock once for twenty concurrent replays of one Idempotency-Key', async () => {
      const product = await newProduct({ stock: 2 });
      const key = `catalog-${randomBytes(6).toString('hex')}`;
      const replies = await Promise.all(
        Array.from({ length: 20 }, () =>
          orders
            .post('/orders')
            .set(bearer(buyer.accessToken))
            .set('idempotency-key', key)
            .send({ items: [{ sku: product.sku, quantity: 2 }], payment_method: 'test_success' }),
        ),
      );
      expect(new Set(replies.map((r) => r.status))).toEqual(new Set([201]));
      expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
      expect(await stockOf(product.id)).toBe(0);
    });
  });
});
