import { paysExactly, PaymentView } from '../clients/payments.client';
import type { Order } from './order.entity';

/** Where a pending order goes once its payments are known. */
export interface Settlement {
  status: 'confirmed' | 'payment_failed' | 'cancelled';
  paymentId: string;
  statusReason: string | null;
  /** The payment was taken but cannot pay this order: it goes back. */
  refund?: boolean;
}

export const PAYMENT_WAS_REFUNDED = 'The payment of this order was refunded';
const PAYMENT_MISMATCHED = 'A payment that did not match the order’s total was recorded for it; it is refunded';

/**
 * A pending order's fate from its payments as the payment service holds them: confirmed only by a
 * completed, unrefunded payment of its exact total and currency. An order has at most one
 * successful payment, so a refunded or mismatched one means it can never be paid: it is cancelled.
 * Null when no payment went through: the order stays payable.
 */
export function settlementFromPayments(order: Pick<Order, 'id' | 'totalMinor' | 'currency'>, payments: PaymentView[]): Settlement | null {
  const exact = payments.find((payment) => paysExactly(payment, order));
  if (exact) return { status: 'confirmed', paymentId: exact.id, statusReason: null };
  const refunded = payments.find((payment) => payment.status === 'refunded');
  if (refunded) return { status: 'cancelled', paymentId: refunded.id, statusReason: PAYMENT_WAS_REFUNDED };
  const mismatched = payments.find((payment) => payment.status === 'completed');
  if (mismatched) return { status: 'cancelled', paymentId: mismatched.id, statusReason: PAYMENT_MISMATCHED, refund: true };
  return null;
}
