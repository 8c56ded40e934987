import type { TestDatabase } from '../test-database';

export interface OrderRow {
  id: string;
  idempotency_key: string | null;
  status: string;
  status_reason: string | null;
  payment_id: string | null;
  total_minor: string;
}

export interface PaymentRow {
  id: string;
  order_id: string;
  status: string;
  amount_minor: string;
}

/** One user's orders and payments as the two databases hold them (amounts as exact strings). */
export async function readLedger(
  databases: Record<'order' | 'payment', TestDatabase>,
  userId: string,
): Promise<{ orders: OrderRow[]; payments: PaymentRow[] }> {
  const orders = await databases.order.query<OrderRow>(
    'SELECT id, idempotency_key, status, status_reason, payment_id, total_minor::text AS total_minor FROM orders WHERE user_id = $1',
    [userId],
  );
  const payments = await databases.payment.query<PaymentRow>(
    'SELECT id, order_id, status, amount_minor::text AS amount_minor FROM payments WHERE user_id = $1',
    [userId],
  );
  return { orders, payments };
}

/** Orders with more than one successful payment: must always be empty. */
export function doubleCharges(databases: Record<'payment', TestDatabase>): Promise<{ order_id: string }[]> {
  return databases.payment.query("SELECT order_id FROM payments WHERE status IN ('completed','refunded') GROUP BY order_id HAVING count(*) > 1");
}

/**
 * The money invariants between the two databases, as a list of violations (empty when they hold):
 * a confirmed order points at a completed payment of its amount, a declined order at a declined
 * payment, and every completed payment belongs to a confirmed order that points at it.
 */
export function ledgerViolations({ orders, payments }: { orders: OrderRow[]; payments: PaymentRow[] }): string[] {
  const paymentsById = new Map(payments.map((p) => [p.id, p]));
  const ordersById = new Map(orders.map((o) => [o.id, o]));
  const violations: string[] = [];
  for (const order of orders) {
    const payment = order.payment_id ? paymentsById.get(order.payment_id) : undefined;
    if (order.status === 'confirmed') {
      if (!payment) violations.push(`order ${order.id} is confirmed with payment ${order.payment_id}, which the payment database does not have`);
      else if (payment.status !== 'completed' || payment.order_id !== order.id || payment.amount_minor !== order.total_minor)
        violations.push(
          `order ${order.id} (${order.total_minor}) is confirmed with payment ${payment.id}: ${payment.status}, order ${payment.order_id}, amount ${payment.amount_minor}`,
        );
    }
    if (order.status === 'payment_failed' && (!payment || payment.status !== 'declined' || payment.order_id !== order.id)) {
      violations.push(`order ${order.id} is payment_failed with payment ${order.payment_id}: ${payment ? payment.status : 'missing'}`);
    }
  }
  for (const payment of payments.filter((p) => p.status === 'completed')) {
    const order = ordersById.get(payment.order_id);
    if (!order || order.status !== 'confirmed' || order.payment_id !== payment.id) {
      violations.push(
        `completed payment ${payment.id} of order ${payment.order_id} is not that order's payment (order ${order ? `${order.status}, payment ${order.payment_id}` : 'missing'})`,
      );
    }
  }
  return violations;
}
