import { ON_BEHALF_HEADER, type AuthenticatedUser, ServiceTokens } from '@app/auth';
import { DomainError } from '@app/errors';
import { fromMinorUnits, type PaymentMethod, toMinorUnits } from '@app/money';
import { ServiceClient } from '@app/service-client';
import type { JsonRequestBody, PaymentOperations, PaymentSchemas } from '@app/contracts';
import { HttpStatus } from '@nestjs/common';

/** What a charge needs of an order (the order entity is one). */
export interface ChargeableOrder {
  id: string;
  totalMinor: number;
  currency: string;
  paymentMethod: PaymentMethod;
  /** The idempotency key of this payment attempt: the same key never charges twice. */
  paymentKey: string;
}

/** What the order service reads of a payment, as the payment service's contract shows it (libs/contracts/openapi). */
export type PaymentView = Pick<PaymentSchemas['PaymentResponse'], 'id' | 'order_id' | 'amount' | 'currency' | 'status' | 'failure_reason'>;

type ChargeRequest = JsonRequestBody<PaymentOperations['createPayment']>;

/** The one error shape, as the payment service documents it; any field may be missing from a reply that is not one. */
type ErrorReply = Partial<PaymentSchemas['ErrorBody']>;

/** What a charge answered: a payment (any payment, to be checked), or that the order already has a successful one. */
export type ChargeReply = { kind: 'payment'; payment: PaymentView } | { kind: 'already_paid'; paymentId: string };

/** The payment service refused a request the order service built: a bug on one side, not the client's fault. */
export class PaymentRejectedError extends DomainError {
  constructor(status: number, message: string) {
    super('PAYMENT_SERVICE.REJECTED', `The payment service refused the request (${status}: ${message})`, HttpStatus.BAD_GATEWAY);
  }
}

/** A completed, unrefunded payment of exactly this order's total and currency: the only one that confirms it. */
export function paysExactly(payment: PaymentView, order: Pick<ChargeableOrder, 'id' | 'totalMinor' | 'currency'>): boolean {
  return (
    payment.status === 'completed' && payment.order_id === order.id && toMinorUnits(payment.amount) === order.totalMinor && payment.currency === order.currency
  );
}

/**
 * Charges on the caller's behalf; reads and refunds an order's payments with the order service's
 * own token. Charges carry an idempotency key derived from the order and its attempt number, so
 * retries (ours, or a client's `/pay`) never charge twice.
 */
export class PaymentsClient {
  constructor(
    private readonly client: ServiceClient,
    private readonly serviceTokens: ServiceTokens,
  ) {}

  /** How long a charge may still be in flight: every attempt timing out, plus a margin. */
  get chargeWindowMs(): number {
    return this.client.longestCallMs + 1000;
  }

  async charge(order: ChargeableOrder, caller: AuthenticatedUser, requestId: string): Promise<ChargeReply> {
    const charge: ChargeRequest = {
      order_id: order.id,
      amount: fromMinorUnits(order.totalMinor),
      currency: order.currency,
      payment_method: order.paymentMethod,
    };
    const response = await this.client.request<PaymentView & ErrorReply>({
      method: 'POST',
      url: '/payments',
      headers: { authorization: `Bearer ${caller.token}`, 'idempotency-key': order.paymentKey, [ON_BEHALF_HEADER]: await this.serviceTokens.sign('order') },
      data: charge,
      idempotent: true,
      requestId,
    });
    const body = response.data;
    if (response.status === 200 || response.status === 201) return { kind: 'payment', payment: body };
    const paidBy = body.details?.payment_id;
    if (response.status === 409 && body.code === 'PAYMENT.ORDER_ALREADY_PAID' && typeof paidBy === 'string') return { kind: 'already_paid', paymentId: paidBy };
    throw new PaymentRejectedError(response.status, String(body.message ?? 'no message'));
  }

  /** Every payment of the order, oldest first, as the payment service holds them now. */
  async paymentsOf(orderId: string, requestId: string): Promise<PaymentView[]> {
    const response = await this.client.request<PaymentView[] & ErrorReply>({
      method: 'GET',
      url: `/payments/internal/orders/${orderId}/payments`,
      headers: { authorization: `Bearer ${await this.serviceTokens.sign('order')}` },
      idempotent: true,
      requestId,
    });
    if (response.status === 200) return response.data;
    throw new PaymentRejectedError(response.status, String(response.data.message ?? 'no message'));
  }

  /** Refunds a completed payment the order service decided to give back; an already refunded one counts as done. */
  async refund(paymentId: string, requestId: string): Promise<void> {
    const response = await this.client.request<ErrorReply>({
      method: 'POST',
      url: `/payments/internal/payments/${paymentId}/refund`,
      headers: { authorization: `Bearer ${await this.serviceTokens.sign('order')}` },
      // A refund is a conditional state change on the payment: repeating it cannot refund twice.
      idempotent: true,
      requestId,
    });
    if (response.status === 200) return;
    if (response.status === 409 && response.data.code === 'PAYMENT.NOT_REFUNDABLE' && response.data.details?.status === 'refunded') return;
    throw new PaymentRejectedError(response.status, String(response.data.message ?? 'no message'));
  }
}
