import { ConflictError } from '@app/errors';
import { Page } from '@app/http';
import { isCheckViolation, isUniqueViolation, SqlStatement } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogRepository, OrderedProducts, ProductRefs, TAKE_STOCK } from '../catalog/catalog.repository';
import { OrderItem } from './order-item.entity';
import { Order } from './order.entity';
import { ItemRow, orderFromRow, OrderRow } from './order.rows';
import type { OrderStatus } from './order-status';

/** What the request decides about a new order; the catalog decides its items' prices and the total. */
export type OrderRequest = Pick<Order, 'userId' | 'paymentMethod' | 'idempotencyKey' | 'requestFingerprint'>;

/** The order as priced from the catalog, with the units it takes from each product. */
export interface PricedDraft {
  currency: string;
  totalMinor: number;
  items: Pick<OrderItem, 'productId' | 'sku' | 'productName' | 'quantity' | 'unitPriceMinor'>[];
  units: Map<string, number>;
}

export class DuplicateIdempotencyKeyError extends Error {}

/** Each order's items as one JSON array, so that an order or a page of them is one statement. */
const ITEMS_OF = (alias: string) => `(SELECT coalesce(json_agg(json_build_object('position', i.position, 'product_id', i.product_id, 'sku', i.sku,
                                        'product_name', i.product_name, 'quantity', i.quantity,
                                        'unit_price_minor', i.unit_price_minor) ORDER BY i.position), '[]')
   FROM order_items i WHERE i.order_id = ${alias}.id) AS items`;

type OrderWithItemsRow = OrderRow & { items: ItemRow[] };

/** Hot path: GET /orders/{id} and every change of an order. */
const ORDER_BY_ID = new SqlStatement<OrderWithItemsRow>('order_by_id', `SELECT o.*, ${ITEMS_OF('o')} FROM orders o WHERE o.id = $1`);

/**
 * Hot path: GET /orders. The page reads only its own rows in index order (LIMIT inside), and the total is counted
 * apart, instead of a window over every order of the user (measured: a third less database time).
 */
const ORDER_PAGE = new SqlStatement<OrderWithItemsRow & { total: string }>(
  'order_page',
  `SELECT page.*, ${ITEMS_OF('page')},
     (SELECT count(*) FROM orders c WHERE c.user_id = $1 AND ($2::varchar IS NULL OR c.status = $2)) AS total
   FROM (SELECT o.* FROM orders o
         WHERE o.user_id = $1 AND ($2::varchar IS NULL OR o.status = $2)
         ORDER BY o.created_at DESC, o.id DESC
         LIMIT $3 OFFSET $4) page
   ORDER BY page.created_at DESC, page.id DESC`,
);

/**
 * Hot path: the checkout. The order's stock taken, and the order, holding it, and its items inserted
 * as `pending`, in one statement: one round trip, and the products locked only while it runs.
 */
const ORDER_INSERT = new SqlStatement<OrderRow>(
  'order_insert',
  `WITH ${TAKE_STOCK('$8')}, new_order AS (
     INSERT INTO orders (user_id, status, currency, total_minor, payment_method, idempotency_key, request_fingerprint, stock_held)
     VALUES ($1, 'pending', $2, $3, $4, $5, $6, true)
     RETURNING *
   ), new_items AS (
     INSERT INTO order_items (order_id, position, product_id, sku, product_name, quantity, unit_price_minor)
     SELECT new_order.id, item.position, item.product_id, item.sku, item.product_name, item.quantity, item.unit_price_minor
     FROM new_order, jsonb_to_recordset($7::jsonb)
       AS item(position smallint, product_id uuid, sku varchar, product_name varchar, quantity integer, unit_price_minor bigint)
   )
   SELECT * FROM new_order`,
);

/** How often a checkout prices its order again when the catalog changed under it before it gives up with 409. */
const PLACE_ATTEMPTS = 10;

/** Hot path: the checkout's charge. Records a charge's outcome on the attempt that made it, if the order is still waiting for it. */
const SETTLE_CHARGE = new SqlStatement<{ updated_at: Date }>(
  'order_settle_charge',
  `UPDATE orders SET status = $3, payment_id = $4, status_reason = $5, updated_at = now()
   WHERE id = $1 AND status = 'pending' AND payment_attempt = $2
   RETURNING updated_at`,
);

/**
 * Moves the order only if it is still where the caller saw it: in one of the statuses $3, and at
 * payment attempt $10 and with payment $11 when they are given. The other columns change only when
 * their flag says so ($4, $6, $8) or their value is given ($9).
 */
const TRANSITION = new SqlStatement<{ updated_at: Date }>(
  'order_transition',
  `UPDATE orders SET status = $2,
     status_reason = CASE WHEN $4::boolean THEN $5::varchar ELSE status_reason END,
     payment_id = CASE WHEN $6::boolean THEN $7::uuid ELSE payment_id END,
     payment_attempt = payment_attempt + CASE WHEN $8::boolean THEN 1 ELSE 0 END,
     payment_method = coalesce($9::varchar, payment_method),
     updated_at = now()
   WHERE id = $1 AND status = ANY($3::varchar[])
     AND ($10::integer IS NULL OR payment_attempt = $10) AND ($11::uuid IS NULL OR payment_id = $11)
   RETURNING updated_at`,
);

/** The products an order holds more units of than are on hand now, by name. */
const SHORT_PRODUCTS = new SqlStatement<{ id: string; sku: string; name: string; stock_on_hand: number; quantity: number }>(
  'order_short_products',
  `SELECT p.id, p.sku, p.name, p.stock_on_hand, held.quantity
   FROM products p JOIN (SELECT product_id, sum(quantity)::integer AS quantity FROM order_items WHERE order_id = $1 GROUP BY product_id) held
     ON held.product_id = p.id
   WHERE p.stock_on_hand < held.quantity ORDER BY p.name`,
);

@Injectable()
export class OrdersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogRepository,
  ) {}

  private get orders() {
    return this.dataSource.getRepository(Order);
  }

  /**
   * Places the order as `pending`: reads the products it names, prices it with `price`, and takes
   * their stock and inserts the order and its items in one statement, which checks that the prices
   * and the stock it was priced on still hold. Two buyers of the last unit are serialised on its
   * row, so exactly one gets it; the other prices again and finds it gone (409). A refused price or
   * a missing unit leaves nothing written.
   */
  async placePending(order: OrderRequest, refs: ProductRefs, price: (products: OrderedProducts) => PricedDraft): Promise<Order> {
    for (let attempt = 1; ; attempt++) {
      const priced = price(await this.catalog.forOrder(refs));
      const items: ItemRow[] = priced.items.map((item, position) => ({
        position,
        product_id: item.productId,
        sku: item.sku,
        product_name: item.productName,
        quantity: item.quantity,
        unit_price_minor: item.unitPriceMinor,
      }));
      const units = [...priced.units].map(([productId, quantity]) => ({
        product_id: productId,
        quantity,
        price_minor: priced.items.find((item) => item.productId === productId)!.unitPriceMinor,
        currency: priced.currency,
      }));
      const values = [
        order.userId,
        priced.currency,
        priced.totalMinor,
        order.paymentMethod,
        order.idempotencyKey,
        order.requestFingerprint,
        JSON.stringify(items),
        JSON.stringify(units),
      ];
      try {
        const [row] = await ORDER_INSERT.rows(this.dataSource, values);
        return orderFromRow(row, items);
      } catch (error) {
        if (isUniqueViolation(error, 'orders_user_idempotency_key')) throw new DuplicateIdempotencyKeyError();
        if (!isCheckViolation(error, 'CHK_products_stock')) throw error;
      }
      // The catalog changed since it was read (a price, a product withdrawn, the last units sold): price the order again.
      if (attempt === PLACE_ATTEMPTS) {
        throw new ConflictError('ORDER.CATALOG_CHANGED', 'The products of this order changed while it was placed; send it again');
      }
    }
  }

  findByIdempotencyKey(userId: string, key: string): Promise<Order | null> {
    return this.orders.findOne({ where: { userId, idempotencyKey: key }, relations: { items: true } });
  }

  async findById(id: string): Promise<Order | null> {
    const [row] = await ORDER_BY_ID.rows(this.dataSource, [id]);
    return row ? orderFromRow(row, row.items) : null;
  }

  async listForUser(userId: string, status: OrderStatus | undefined, offset: number, limit: number): Promise<Page<Order>> {
    const rows = await ORDER_PAGE.rows(this.dataSource, [userId, status ?? null, limit, offset]);
    const total = rows.length ? Number(rows[0].total) : await this.orders.countBy({ userId, ...(status ? { status } : {}) });
    return { items: rows.map((row) => orderFromRow(row, row.items)), total };
  }

  /** The charge's outcome, unless another request settled or cancelled the order first (then null). */
  async settleCharge(
    id: string,
    attempt: number,
    to: { status: 'confirmed' | 'payment_failed' | 'cancelled'; paymentId: string; statusReason: string | null },
  ): Promise<Date | null> {
    const [row] = await SETTLE_CHARGE.rows(this.dataSource, [id, attempt, to.status, to.paymentId, to.statusReason]);
    return row?.updated_at ?? null;
  }

  /**
   * Moves the order only if it is still where the caller saw it (and at the same payment
   * attempt): concurrent requests cannot both win a transition. Returns the new updated_at, or
   * null when another request moved the order first.
   */
  async transition(
    id: string,
    from: { status: OrderStatus | OrderStatus[]; attempt?: number; paymentId?: string },
    to: { status: OrderStatus; statusReason?: string | null; paymentId?: string | null; nextAttempt?: boolean; paymentMethod?: string },
  ): Promise<Date | null> {
    const [row] = await TRANSITION.rows(this.dataSource, [
      id,
      to.status,
      Array.isArray(from.status) ? from.status : [from.status],
      to.statusReason !== undefined,
      to.statusReason ?? null,
      to.paymentId !== undefined,
      to.paymentId ?? null,
      to.nextAttempt === true,
      to.paymentMethod ?? null,
      from.attempt ?? null,
      from.paymentId ?? null,
    ]);
    return row?.updated_at ?? null;
  }

  /**
   * A declined order goes back to `pending` for another payment attempt, taking its stock again
   * (the stock trigger does it in the same statement): when a product is short now, 409 naming it.
   * Null when another request moved the order first.
   */
  async retryPayment(order: Order, paymentMethod: string | undefined): Promise<Date | null> {
    try {
      return await this.transition(
        order.id,
        { status: 'payment_failed', attempt: order.paymentAttempt },
        { status: 'pending', statusReason: null, nextAttempt: true, paymentMethod },
      );
    } catch (error) {
      if (!isCheckViolation(error, 'CHK_products_stock')) throw error;
      const short = await SHORT_PRODUCTS.rows(this.dataSource, [order.id]);
      const what = short.map((p) => `${p.name}: ${p.quantity} asked, ${p.stock_on_hand} left`).join('; ');
      throw new ConflictError('ORDER.OUT_OF_STOCK', `Not enough stock to pay this order again: ${what}; place a new order`, {
        items: short.map((p) => ({ product_id: p.id, sku: p.sku, requested: p.quantity, available: p.stock_on_hand })),
      });
    }
  }

  async setReason(id: string, status: OrderStatus, attempt: number, statusReason: string): Promise<void> {
    await this.orders.update({ id, status, paymentAttempt: attempt }, { statusReason });
  }

  async setReasonOf(id: string, status: OrderStatus, statusReason: string): Promise<void> {
    await this.orders.update({ id, status }, { statusReason });
  }
}
