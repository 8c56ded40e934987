import { Page, type PaymentMethod } from '@app/bootstrap';
import { PreparedStatement } from '@app/db';
import { currentTraceparent } from '@app/tracing';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { PaymentEvent } from '../payment-events/payment-event.entity';
import { Payment, PaymentStatus, REFUNDABLE_STATUS, SUCCESSFUL_STATUSES } from './payment.entity';

export type NewPayment = Pick<
  Payment,
  'orderId' | 'userId' | 'amountMinor' | 'currency' | 'paymentMethod' | 'status' | 'transactionId' | 'failureReason' | 'idempotencyKey' | 'requestFingerprint'
>;

const PAYMENT_INSERT = new PreparedStatement<PaymentRow>(
  'payment_insert',
  `INSERT INTO payments (order_id, user_id, amount_minor, currency, payment_method, status, transaction_id, failure_reason, idempotency_key, request_fingerprint)
   SELECT $1::uuid, $2::uuid, $3::bigint, $4, $5, $6, $7, $8, $9, $10
   WHERE NOT EXISTS (SELECT 1 FROM payments WHERE order_id = $1::uuid AND status IN ('completed', 'refunded'))
   ON CONFLICT DO NOTHING
   RETURNING *`,
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
    return row ? this.fromRow(row) : null;
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
      const { affected } = await manager
        .createQueryBuilder()
        .update(Payment)
        .set({ status: 'refunded', refundedAt: () => 'now()' })
        .where({ id, status: REFUNDABLE_STATUS })
        .execute();
      if (!affected) return null;
      const payment = await manager.findOneByOrFail(Payment, { id });
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

  private fromRow(row: PaymentRow): Payment {
    return this.payments.create({
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
}

interface PaymentRow {
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
