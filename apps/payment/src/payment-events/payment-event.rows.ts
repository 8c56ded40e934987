import { PaymentEvent, PaymentEventType } from './payment-event.entity';

/** A row of `payment_events` as pg returns it. */
export interface PaymentEventRow {
  id: string;
  type: PaymentEventType;
  payment_id: string;
  order_id: string;
  user_id: string;
  created_at: Date;
  delivered_at: Date | null;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  traceparent: string | null;
}

/** The one place a row of written SQL becomes a PaymentEvent (TypeORM hydrates the rest). */
export function paymentEventFromRow(row: PaymentEventRow): PaymentEvent {
  return Object.assign(new PaymentEvent(), {
    id: row.id,
    type: row.type,
    paymentId: row.payment_id,
    orderId: row.order_id,
    userId: row.user_id,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    traceparent: row.traceparent,
  });
}
