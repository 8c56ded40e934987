import type { PaymentView } from '../clients/payments.client';
import type { Order } from '../orders/order.entity';
import { Settlement, settlementFromPayments } from '../orders/payment-settlement';

export const FINDING_KINDS = ['pending_paid', 'pending_unpayable', 'pending_unpaid', 'unrefunded_payment', 'refunded_payment'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export type Finding =
  | { kind: 'agreed' }
  /** Pending past its charge window: its payment settles it (confirmed, or cancelled when it cannot pay it). */
  | { kind: 'pending_paid' | 'pending_unpayable'; settlement: Settlement }
  /** Pending and nothing was paid: it stays payable, and says so. */
  | { kind: 'pending_unpaid' }
  /** The order keeps no money (cancelled, declined, refunded) but a payment of it is still completed. */
  | { kind: 'unrefunded_payment'; paymentId: string }
  /** A paid order whose payment was refunded. */
  | { kind: 'refunded_payment'; paymentId: string };

const KEEPS_NO_MONEY: Order['status'][] = ['cancelled', 'payment_failed', 'refunded'];
const PAID: Order['status'][] = ['confirmed', 'shipped', 'delivered'];

/** Whether an order and its payments (as the payment service holds them) agree, and if not, how. */
export function assess(order: Pick<Order, 'id' | 'status' | 'paymentId' | 'totalMinor' | 'currency'>, payments: PaymentView[]): Finding {
  if (order.status === 'pending') {
    const settlement = settlementFromPayments(order, payments);
    if (!settlement) return { kind: 'pending_unpaid' };
    return { kind: settlement.status === 'confirmed' ? 'pending_paid' : 'pending_unpayable', settlement };
  }
  if (KEEPS_NO_MONEY.includes(order.status)) {
    const taken = payments.find((payment) => payment.status === 'completed');
    return taken ? { kind: 'unrefunded_payment', paymentId: taken.id } : { kind: 'agreed' };
  }
  if (PAID.includes(order.status)) {
    const own = payments.find((payment) => payment.id === order.paymentId);
    return own?.status === 'refunded' ? { kind: 'refunded_payment', paymentId: own.id } : { kind: 'agreed' };
  }
  return { kind: 'agreed' };
}
