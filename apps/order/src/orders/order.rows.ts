import { OrderItem } from './order-item.entity';
import { Order } from './order.entity';
import type { OrderStatus } from './order-status';

/** A row of `order_items` as the repository's written SQL returns it (bigints may come as strings). */
export interface ItemRow {
  position: number;
  product_id: string | null;
  sku: string | null;
  product_name: string;
  quantity: number;
  unit_price_minor: number | string;
}

/** A row of `orders` as pg returns it. */
export interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  status_reason: string | null;
  currency: string;
  total_minor: string;
  payment_method: string;
  payment_id: string | null;
  payment_attempt: number;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** The one place a row of written SQL becomes an Order with its items (TypeORM hydrates the rest). */
export function orderFromRow(row: OrderRow, items: ItemRow[]): Order {
  return Object.assign(new Order(), {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    statusReason: row.status_reason,
    currency: row.currency,
    totalMinor: Number(row.total_minor),
    paymentMethod: row.payment_method,
    paymentId: row.payment_id,
    paymentAttempt: row.payment_attempt,
    idempotencyKey: row.idempotency_key,
    requestFingerprint: row.request_fingerprint,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    items: items.map((item) =>
      Object.assign(new OrderItem(), {
        orderId: row.id,
        position: item.position,
        productId: item.product_id ?? null,
        sku: item.sku ?? null,
        productName: item.product_name,
        quantity: item.quantity,
        unitPriceMinor: Number(item.unit_price_minor),
      }),
    ),
  });
}
