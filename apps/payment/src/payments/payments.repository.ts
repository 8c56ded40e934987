import { Page } from '@app/bootstrap';
import { isUniqueViolation } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { PaymentEvent } from '../payment-events/payment-event.entity';
import { IDEMPOTENCY_KEY_INDEX, ORDER_PAID_INDEX, Payment, REFUNDABLE_STATUS, SUCCESSFUL_STATUSES } from './payment.entity';

export type NewPayment = Pick<
  Payment,
  'orderId' | 'userId' | 'amountMinor' | 'currency' | 'paymentMethod' | 'status' | 'transactionId' | 'failureReason' | 'idempotencyKey' | 'requestFingerprint'
>;

/** A unique index refused the insert: the idempotency key was taken, or the order was already paid. */
export class DuplicatePaymentError extends Error {
  constructor(readonly index: typeof IDEMPOTENCY_KEY_INDEX | typeof ORDER_PAID_INDEX) {
    super(`payment refused by ${index}`);
  }
}

@Injectable()
export class PaymentsRepository {
  constructor(@InjectRepository(Payment) private readonly payments: Repository<Payment>) {}

  findOwned(id: string, userId: string): Promise<Payment | null> {
    return this.payments.findOneBy({ id, userId });
  }

  findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<Payment | null> {
    return this.payments.findOneBy({ userId, idempotencyKey });
  }

  findSuccessfulForOrder(orderId: string): Promise<Payment | null> {
    return this.payments.findOneBy({ orderId, status: In(SUCCESSFUL_STATUSES) });
  }

  /** Relies on the unique indexes, not on the lookups before it, so concurrent requests cannot both win. */
  async insert(payment: NewPayment): Promise<Payment> {
    try {
      return await this.payments.save(this.payments.create(payment));
    } catch (error) {
      if (isUniqueViolation(error, IDEMPOTENCY_KEY_INDEX)) throw new DuplicatePaymentError(IDEMPOTENCY_KEY_INDEX);
      if (isUniqueViolation(error, ORDER_PAID_INDEX)) throw new DuplicatePaymentError(ORDER_PAID_INDEX);
      throw error;
    }
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
  refund(id: string, userId: string): Promise<Payment | null> {
    return this.payments.manager.transaction(async (manager) => {
      const { affected } = await manager
        .createQueryBuilder()
        .update(Payment)
        .set({ status: 'refunded', refundedAt: () => 'now()' })
        .where({ id, userId, status: REFUNDABLE_STATUS })
        .execute();
      if (!affected) return null;
      const payment = await manager.findOneByOrFail(Payment, { id });
      await manager.insert(PaymentEvent, { type: 'payment.refunded', paymentId: payment.id, orderId: payment.orderId, userId: payment.userId });
      return payment;
    });
  }
}
