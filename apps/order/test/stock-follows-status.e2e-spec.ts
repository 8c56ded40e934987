import fc from 'fast-check';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { OrderAppModule } from '../src/order-app.module';
import { orderService } from '../src/order-service';
import { canTransition, ORDER_STATUSES, OrderStatus } from '../src/orders/order-status';

/**
 * The stock trigger (migration CreateCatalog) against a model, on both databases: any walk through
 * the state machine, with other buyers taking units in between, moves each unit exactly once. Held
 * from checkout; back on payment_failed, cancelled or refunded before shipment; taken again by a
 * payment retry (refused when short, the order then stays declined); kept once shipped.
 */
describe('order service: the stock follows the order’s status', () => {
  let db: TestDatabase;
  let svc: ServiceUnderTest;
  let run = 0;

  beforeAll(async () => {
    db = await createTestDatabase('order');
    svc = await startService(OrderAppModule, orderService, { ...db.env, CATALOG_SEED: 'none' });
  });

  afterAll(async () => {
    await svc?.close();
    await db?.drop();
  });

  /** A move picks one of the moves the current status allows (`choice` modulo their number), so every walk is legal. */
  type Step = { kind: 'move'; choice: number } | { kind: 'others-buy'; units: number };
  const step = fc.oneof(
    { weight: 4, arbitrary: fc.nat({ max: 5 }).map((choice): Step => ({ kind: 'move', choice })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }).map((units): Step => ({ kind: 'others-buy', units })) },
  );

  it('keeps stock on hand + units held = initial stock − units others bought, for any walk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 6 }), fc.array(step, { maxLength: 10 }), async (quantity, spare, steps) => {
        run++;
        const initial = quantity + spare;
        const [product] = await db.query<{ id: string }>(
          `INSERT INTO products (sku, name, price_minor, currency, stock_on_hand) VALUES ($1, $1, 100, 'USD', $2) RETURNING id`,
          [`WALK-${run}`, initial - quantity],
        );
        const [order] = await db.query<{ id: string }>(
          `INSERT INTO orders (user_id, status, currency, total_minor, payment_method, stock_held)
           VALUES (gen_random_uuid(), 'pending', 'USD', $1, 'test_success', true) RETURNING id`,
          [quantity * 100],
        );
        await db.query(
          `INSERT INTO order_items (order_id, position, product_id, sku, product_name, quantity, unit_price_minor) VALUES ($1, 0, $2, $3, $3, $4, 100)`,
          [order.id, product.id, `WALK-${run}`, quantity],
        );
        const model = { status: 'pending' as OrderStatus, held: true, shipped: false, othersBought: 0 };
        for (const s of steps) {
          if (s.kind === 'others-buy') {
            // A SELECT around the update: both databases' query helpers answer a SELECT with its rows.
            const [{ n }] = await db.query<{ n: number }>(
              `WITH bought AS (UPDATE products SET stock_on_hand = stock_on_hand - $2 WHERE id = $1 AND stock_on_hand >= $2 RETURNING id) SELECT count(*)::int AS n FROM bought`,
              [product.id, s.units],
            );
            if (n) model.othersBought += s.units;
          } else {
            const allowed = ORDER_STATUSES.filter((to) => canTransition(model.status, to));
            if (!allowed.length) continue;
            const to = allowed[s.choice % allowed.length];
            const onHand = initial - model.othersBought - (model.held ? quantity : 0);
            const retake = model.status === 'payment_failed' && to === 'pending' && !model.held;
            const moved = await db.query(`UPDATE orders SET status = $2 WHERE id = $1 RETURNING id`, [order.id, to]).then(
              () => true,
              (error: { code?: string; constraint?: string }) => {
                if (error.code === '23514' && error.constraint === 'CHK_products_stock' && retake && onHand < quantity) return false;
                throw error;
              },
            );
            if (moved) {
              if (retake) model.held = true;
              else if (model.held && ['payment_failed', 'cancelled', 'refunded'].includes(to) && !model.shipped) model.held = false;
              if (to === 'shipped') model.shipped = true;
              model.status = to;
            }
          }
          const [row] = await db.query<{ stock_on_hand: number; stock_held: boolean; status: string }>(
            `SELECT p.stock_on_hand, o.stock_held, o.status FROM products p, orders o WHERE p.id = $1 AND o.id = $2`,
            [product.id, order.id],
          );
          const expected = { stock_on_hand: initial - model.othersBought - (model.held ? quantity : 0), stock_held: model.held, status: model.status };
          if (Number(row.stock_on_hand) !== expected.stock_on_hand || row.stock_held !== expected.stock_held || row.status !== expected.status) {
            throw new Error(`after ${JSON.stringify(s)} (walk ${JSON.stringify(steps)}): database ${JSON.stringify(row)}, model ${JSON.stringify(expected)}`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
