import type { AuthenticatedUser } from '@app/auth';
import { ConflictError, NotFoundError, UnavailableError, UnprocessableError } from '@app/errors';
import { fingerprint, Page } from '@app/http';
import { assertFitsCurrency } from '@app/money';
import { PaymentMetrics } from './payment.metrics';
import { Injectable } from '@nestjs/common';
import { OrderServiceClient } from '../order-service/order-service.client';
import { PaymentEventsRelay } from '../payment-events/payment-events.relay';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { ListPaymentsQuery } from './dto/list-payments.query';
import { Payment } from './payment.entity';
import { PaymentProcessor } from './payment-processor';
import { NewPayment, PaymentsRepository } from './payments.repository';

const ORDER_ALREADY_PAID = 'PAYMENT.ORDER_ALREADY_PAID';

export interface CreatedPayment {
  payment: Payment;
  /** True when an earlier request with the same Idempotency-Key made this payment. */
  replayed: boolean;
}

@Injectable()
export class PaymentsService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly processor: PaymentProcessor,
    private readonly events: PaymentEventsRelay,
    private readonly metrics: PaymentMetrics,
    private readonly orders: OrderServiceClient,
  ) {}

  async create(caller: AuthenticatedUser, dto: CreatePaymentDto, idempotencyKey?: string): Promise<CreatedPayment> {
    assertFitsCurrency(dto.amount, dto.currency ?? 'USD', 'amount');
    const requestFingerprint = fingerprint(dto);
    const payment = await this.payments.insertUnlessPaid(this.charge(caller, dto, idempotencyKey, requestFingerprint));
    if (payment) {
      this.metrics.paymentProcessed(payment.status === 'declined' ? 'declined' : 'completed', payment.paymentMethod);
      return { payment, replayed: false };
    }
    // Nothing was written: the key was used before (this is a replay of it), or the order is paid.
    const earlier = await this.findByKey(caller, idempotencyKey);
    if (earlier) return replay(earlier, requestFingerprint);
    await this.refuseIfPaid(dto.order_id);
    // Not expected (payments are never deleted); a conflict to retry rather than a 500 if it happens.
    throw new ConflictError('PAYMENT.CONCURRENT_REQUEST', 'A concurrent request for this payment did not complete; send the request again');
  }

  /**
   * A buyer paying directly: the order service checks that the order is theirs, unpaid and of this
   * exact total, then charges it through its own pay path (which calls `create` above).
   */
  async payOwnOrder(caller: AuthenticatedUser, dto: CreatePaymentDto, requestId: string): Promise<Payment> {
    assertFitsCurrency(dto.amount, dto.currency ?? 'USD', 'amount');
    const order = await this.orders.payOrder(
      caller,
      { orderId: dto.order_id, amountMinor: dto.amount, currency: dto.currency ?? 'USD', paymentMethod: dto.payment_method },
      requestId,
    );
    const payment = order.payment_id ? await this.payments.findById(order.payment_id) : null;
    if (!payment) {
      throw new UnavailableError('PAYMENT.NOT_MADE', order.status_reason ?? `The order is ${order.status} and no payment was recorded; try again shortly`, {
        order_status: order.status,
      });
    }
    return payment;
  }

  list(caller: AuthenticatedUser, query: ListPaymentsQuery): Promise<Page<Payment>> {
    return this.payments.listForUser(caller.id, query.order_id, query.start, query.limit);
  }

  /** Someone else's payment is answered exactly like a missing one. */
  async getOwned(caller: AuthenticatedUser, id: string): Promise<Payment> {
    const payment = await this.payments.findOwned(id, caller.id);
    if (!payment) throw new NotFoundError('Payment');
    return payment;
  }

  /**
   * A refund a person asks for: the owner's own payment, or any payment for an admin. The order
   * service moves the order to `refunded` first, if its state machine lets this actor refund it
   * now (a customer only before shipment), so a concurrent shipment cannot slip in between.
   */
  async refund(caller: AuthenticatedUser, id: string, requestId: string): Promise<Payment> {
    const isAdmin = caller.role === 'admin';
    const payment = isAdmin ? await this.payments.findById(id) : await this.payments.findOwned(id, caller.id);
    if (!payment) throw new NotFoundError('Payment');
    payment.assertRefundable();
    await this.orders.authorizeRefund(payment.orderId, payment.id, isAdmin ? 'admin' : 'owner', requestId);
    return this.refundNow(id);
  }

  /** A refund the order service itself decided (a cancellation, its reconciler); already refunded counts as done. */
  async refundForOrderService(id: string): Promise<Payment> {
    const payment = await this.payments.findById(id);
    if (!payment) throw new NotFoundError('Payment');
    if (payment.status === 'refunded') return payment;
    payment.assertRefundable();
    return this.refundNow(id);
  }

  listForOrder(orderId: string): Promise<Payment[]> {
    return this.payments.listForOrder(orderId);
  }

  private async refundNow(id: string): Promise<Payment> {
    const refunded = await this.payments.refund(id);
    if (!refunded) {
      // Another request refunded it since the check: refused with its new status.
      (await this.payments.findById(id))!.assertRefundable();
      throw new ConflictError('PAYMENT.CONCURRENT_REQUEST', 'A concurrent request for this payment did not complete; send the request again');
    }
    this.metrics.paymentRefunded();
    this.events.kick();
    return refunded;
  }

  private charge(caller: AuthenticatedUser, dto: CreatePaymentDto, idempotencyKey: string | undefined, requestFingerprint: string): NewPayment {
    const outcome = this.processor.charge(dto.payment_method);
    return {
      orderId: dto.order_id,
      userId: caller.id,
      amountMinor: dto.amount,
      // IsOptional lets an explicit null through.
      currency: dto.currency ?? 'USD',
      paymentMethod: dto.payment_method,
      status: outcome.status,
      transactionId: outcome.status === 'completed' ? outcome.transactionId : null,
      failureReason: outcome.status === 'declined' ? outcome.failureReason : null,
      idempotencyKey: idempotencyKey ?? null,
      requestFingerprint,
    };
  }

  private async findByKey(caller: AuthenticatedUser, idempotencyKey: string | undefined): Promise<Payment | null> {
    return idempotencyKey ? this.payments.findByIdempotencyKey(caller.id, idempotencyKey) : null;
  }

  private async refuseIfPaid(orderId: string): Promise<void> {
    const paid = await this.payments.findSuccessfulForOrder(orderId);
    if (paid) throw new ConflictError(ORDER_ALREADY_PAID, `Order ${orderId} is already paid`, { payment_id: paid.id });
  }
}

function replay(earlier: Payment, requestFingerprint: string): CreatedPayment {
  if (earlier.requestFingerprint !== requestFingerprint) {
    throw new UnprocessableError('PAYMENT.IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different payment request; send a new key');
  }
  return { payment: earlier, replayed: true };
}
