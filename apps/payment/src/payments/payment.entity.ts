import { ConflictError } from '@app/errors';
import { type PaymentMethod } from '@app/money';
import { BIGINT_AS_NUMBER } from '@app/db';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PAYMENT_STATUSES = ['completed', 'declined', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Only a completed payment can be refunded; the refund UPDATE uses the same condition. */
export const REFUNDABLE_STATUS: PaymentStatus = 'completed';

/** A refunded payment still counts as the order's one successful payment. */
export const SUCCESSFUL_STATUSES: PaymentStatus[] = ['completed', 'refunded'];

export const ORDER_PAID_INDEX = 'payments_order_paid_key';
export const IDEMPOTENCY_KEY_INDEX = 'payments_user_idempotency_key';

@Entity('payments')
@Check('CHK_payments_status', `"status" IN ('completed', 'declined', 'refunded')`)
@Check('CHK_payments_amount', `"amount_minor" > 0`)
@Check('CHK_payments_refunded_at', `("status" = 'refunded') = ("refunded_at" IS NOT NULL)`)
@Check('CHK_payments_transaction_id', `("status" = 'declined') = ("transaction_id" IS NULL)`)
// (user_id, created_at DESC) serves the newest-first list; TypeORM cannot declare the order, so the migration owns it.
@Index('payments_user_created_idx', { synchronize: false })
@Index('payments_order_idx', ['orderId'])
@Index(IDEMPOTENCY_KEY_INDEX, ['userId', 'idempotencyKey'], { unique: true, where: '"idempotency_key" IS NOT NULL' })
@Index(ORDER_PAID_INDEX, ['orderId'], { unique: true, where: `"status" IN ('completed', 'refunded')` })
export class Payment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  amountMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'payment_method', type: 'varchar', length: 32 })
  paymentMethod: PaymentMethod;

  @Column({ type: 'varchar', length: 16 })
  status: PaymentStatus;

  @Column({ name: 'transaction_id', type: 'varchar', length: 64, nullable: true })
  transactionId: string | null;

  @Column({ name: 'failure_reason', type: 'varchar', length: 300, nullable: true })
  failureReason: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'request_fingerprint', type: 'char', length: 64, nullable: true })
  requestFingerprint: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true })
  refundedAt: Date | null;

  assertRefundable(): void {
    if (this.status !== REFUNDABLE_STATUS) {
      throw new ConflictError('PAYMENT.NOT_REFUNDABLE', `The payment is ${this.status}; only a completed payment is refundable`, { status: this.status });
    }
  }
}
