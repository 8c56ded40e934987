import { Page } from '@app/http';
import { SqlStatement } from '@app/db';
import { currentTraceparent } from '@app/tracing';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { PaymentEvent } from '../payment-events/payment-event.entity';
import { Payment, REFUNDABLE_STATUS, SUCCESSFUL_STATUSES } from './payment.entity';
import { paymentFromRow, PaymentRow } from './payment.rows';

export type NewPayment = Pick<
  Payment,
  'orderId' | 'userId' | 'amountMinor' | 'currency' | 'paymentMethod' | 'status' | 'transactionId' | 'failureReason' | 'idempotencyKey' | 'requestFingerprint'
>;

/** Hot path: the charge. */
const PAYMENT_INSERT = new SqlStatement<PaymentRow>(
  'payment_insert',
  `INSERT INTO payments (order_id, user_id, amount_minor, currency, payment_method, status, transaction_id, failure_reason, idempotency_key, request_fingerprint)
   SELECT $1::uuid, $2::uuid, $3::bigint, $4, $5, $6, $7, $8, $9, $10
   WHERE NOT EXISTS (SELECT 1 FROM payments WHERE order_id = $1::uuid AND status IN ('completed', 'refunded'))
   ON CONFLICT DO NOTHING
   RETURNING *`,
);

/** Of concurrent refunds only one matches the row. */
const PAYMENT_REFUND = new SqlStatement<PaymentRow>(
  'payment_refund',
  `UPDATE payments SET status = 'refunded', refunded_at = now(), updated_at = now() WHERE id = $1 AND status = $2 RETURNING *`,
);

@Injectable()
export class PaymentsRepository {
  constructor(@InjectRepository(Payment) private readonly payments: Repository<Payment>) {}

  findOwned(id: string, userId: string): Promise<Payment | null> {
    return this.payments.findOneBy({ id, userId });
  }

  findById(id: string): Promise<Payment | null> {
    return this.payments.findOneBy({ id });
  }

  listForOrder(orderId: string): Promise<Payment[]> {
    return this.payments.find({ where: { orderId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<Payment | null> {
    return this.payments.findOneBy({ userId, idempotencyKey });
  }

  findSuccessfulForOrder(orderId: string): Promise<Payment | null> {
    return this.payments.findOneBy({ orderId, status: In(SUCCESSFUL_STATUSES) });
  }

  /**
   * The charge in one statement, one round trip: nothing is written, and null returned, when the
   * order already has a successful payment or the caller already used the key. Under concurrency
   * the unique indexes decide, not the NOT EXISTS: ON CONFLICT waits for the other insert.
   */
  async insertUnlessPaid(payment: NewPayment): Promise<Payment | null> {
    const [row] = await PAYMENT_INSERT.rows(this.payments.manager.connection, [
      payment.orderId,
      payment.userId,
      payment.amountMinor,
      payment.currency,
      payment.paymentMethod,
      payment.status,
      payment.transactionId,
      payment.failureReason,
      payment.idempotencyKey,
      payment.requestFingerprint,
    ]);
    return row ? paymentFromRow(row) : null;
  }

  async listForUser(userId: string, orderId: string | undefined, offset: number, limit: number): Promise<Page<Payment>> {
    const [items, total] = await this.payments.findAndCount({
      where: { userId, ...(orderId ? { orderId } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
    return { items, total };
  }

  /**
   * The conditional UPDATE is the gate: of concurrent refunds only one matches the row, and the
   * outbox event is written in the same transaction, so the refund and its notice commit together.
   */
  refund(id: string): Promise<Payment | null> {
    return this.payments.manager.transaction(async (manager) => {
      const [row] = await PAYMENT_REFUND.rows(manager, [id, REFUNDABLE_STATUS]);
      if (!row) return null;
      const payment = paymentFromRow(row);
      await manager.insert(PaymentEvent, {
        type: 'payment.refunded',
        paymentId: payment.id,
        orderId: payment.orderId,
        userId: payment.userId,
        traceparent: currentTraceparent() ?? null,
      });
      return payment;
    });
  }
}
