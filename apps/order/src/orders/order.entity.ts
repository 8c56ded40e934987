import { BIGINT_AS_NUMBER } from '@app/db';
import type { PaymentMethod } from '@app/money';
import { Check, Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { OrderItem } from './order-item.entity';
import { ORDER_STATUSES, type OrderStatus } from './order-status';

@Entity('orders')
@Check('CHK_orders_status', `"status" IN (${ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})`)
@Check('CHK_orders_total', '"total_minor" > 0')
@Check('CHK_orders_attempt', '"payment_attempt" >= 1')
@Index('orders_user_created_idx', ['userId', 'createdAt'])
@Index('orders_user_idempotency_key', ['userId', 'idempotencyKey'], { unique: true, where: '"idempotency_key" IS NOT NULL' })
// Orders changed since the reconciler last verified them; a partial index the migration owns.
@Index('orders_unverified_idx', { synchronize: false })
export class Order {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 20 })
  status: OrderStatus;

  /** Why the order is where it is: a decline reason, or that the payment service was unreachable. */
  @Column({ name: 'status_reason', type: 'varchar', length: 300, nullable: true })
  statusReason: string | null;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'total_minor', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  totalMinor: number;

  // Only a method the order's DTO accepted is ever stored.
  @Column({ name: 'payment_method', type: 'varchar', length: 32 })
  paymentMethod: PaymentMethod;

  @Column({ name: 'payment_id', type: 'uuid', nullable: true })
  paymentId: string | null;

  /** Numbers the charge attempts; each attempt's idempotency key is derived from it. */
  @Column({ name: 'payment_attempt', type: 'integer', default: 1 })
  paymentAttempt: number;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'request_fingerprint', type: 'char', length: 64, nullable: true })
  requestFingerprint: string | null;

  @OneToMany(() => OrderItem, (item) => item.order, { cascade: ['insert'] })
  items: OrderItem[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** The order holds its items' stock: from checkout until declined, cancelled or refunded before shipment (a trigger keeps it). */
  @Column({ name: 'stock_held', type: 'boolean', default: false, select: false })
  stockHeld?: boolean;

  /** When the reconciler last found the order in agreement with its payments. */
  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true, select: false })
  verifiedAt?: Date | null;

  /** Until when one reconciler replica holds the order. */
  @Column({ name: 'reconcile_lease_until', type: 'timestamptz', nullable: true, select: false })
  reconcileLeaseUntil?: Date | null;

  /** The idempotency key sent to the payment service for the current attempt. */
  get paymentKey(): string {
    return `order-${this.id}-attempt-${this.paymentAttempt}`;
  }
}
