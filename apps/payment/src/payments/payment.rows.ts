import type { PaymentMethod } from '@app/money';
import { Payment, PaymentStatus } from './payment.entity';

/** A row of `payments` as pg returns it. */
export interface PaymentRow {
  id: string;
  order_id: string;
  user_id: string;
  amount_minor: string;
  currency: string;
  payment_method: PaymentMethod;
  status: PaymentStatus;
  transaction_id: string | null;
  failure_reason: string | null;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  created_at: Date;
  updated_at: Date;
  refunded_at: Date | null;
}

/** The one place a row of written SQL becomes a Payment (TypeORM hydrates the rest). */
export function paymentFromRow(row: PaymentRow): Payment {
  return Object.assign(new Payment(), {
    id: row.id,
    orderId: row.order_id,
    userId: row.user_id,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    paymentMethod: row.payment_method,
    status: row.status,
    transactionId: row.transaction_id,
    failureReason: row.failure_reason,
    idempotencyKey: row.idempotency_key,
    requestFingerprint: row.request_fingerprint,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    refundedAt: row.refunded_at,
  });
}
