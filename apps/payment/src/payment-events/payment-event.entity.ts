import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const PAYMENT_EVENT_TYPES = ['payment.refunded'] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

/**
 * The outbox: written in the transaction that changes the payment, delivered to the order
 * service afterwards by the relay, so a refund is never lost between the two services.
 */
@Entity('payment_events')
@Check('CHK_payment_events_type', `"type" IN ('payment.refunded')`)
@Check('CHK_payment_events_attempts', `"attempts" >= 0`)
@Index('payment_events_due_idx', ['nextAttemptAt'], { where: '"delivered_at" IS NULL' })
@Index('payment_events_delivered_idx', ['deliveredAt'], { where: '"delivered_at" IS NOT NULL' })
export class PaymentEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 40 })
  type: PaymentEventType;

  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId: string;

  // Declared for the foreign key only; the relay never loads the payment. Named, not imported, so the
  // outbox does not depend on the payments feature that writes it.
  @ManyToOne('Payment', { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'payment_id', foreignKeyConstraintName: 'FK_payment_events_payment' })
  payment?: unknown;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** The trace of the request that wrote the event; its delivery continues it. */
  @Column({ type: 'varchar', length: 55, nullable: true })
  traceparent: string | null;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

/** Exponential backoff after the n-th failed delivery: 1 s, 2 s, 4 s, … capped at 60 s. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1));
}
