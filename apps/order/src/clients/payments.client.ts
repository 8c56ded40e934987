import { ON_BEHALF_HEADER, type AuthenticatedUser, ServiceTokens } from '@app/auth';
import { DomainError, fromMinorUnits, ServiceClient } from '@app/bootstrap';
import { HttpStatus } from '@nestjs/common';
import type { Order } from '../orders/order.entity';

export interface PaymentView {
  id: string;
  status: 'completed' | 'declined' | 'refunded';
  failure_reason: string | null;
}

export type ChargeOutcome =
  | { kind: 'completed'; paymentId: string }
  | { kind: 'declined'; paymentId: string; reason: string }
  | { kind: 'already_paid'; paymentId: string };

/** The payment service refused a request the order service built: a bug on one side, not the client's fault. */
export class PaymentRejectedError extends DomainError {
  constructor(status: number, message: string) {
    super('PAYMENT_SERVICE.REJECTED', `The payment service refused the request (${status}: ${message})`, HttpStatus.BAD_GATEWAY);
  }
}

/**
 * Charges and refunds on the caller's behalf. Charges carry an idempotency key derived from the
 * order and its attempt number, so retries (ours, or a client's `/pay`) never charge twice.
 */
export class PaymentsClient {
  constructor(
    private readonly client: ServiceClient,
    private readonly serviceTokens: ServiceTokens,
  ) {}

  async charge(order: Order, caller: AuthenticatedUser, requestId: string): Promise<ChargeOutcome> {
    const response = await this.client.request<PaymentView & { code?: string; details?: { payment_id?: string }; message?: string }>({
      method: 'POST',
      url: '/payments',
      headers: { authorization: `Bearer ${caller.token}`, 'idempotency-key': order.paymentKey, [ON_BEHALF_HEADER]: await this.serviceTokens.sign('order') },
      data: { order_id: order.id, amount: fromMinorUnits(order.totalMinor), currency: order.currency, payment_method: order.paymentMethod },
      idempotent: true,
      requestId,
    });
    const body = response.data;
    if (response.status === 200 || response.status === 201) {
      if (body.status === 'declined') return { kind: 'declined', paymentId: body.id, reason: body.failure_reason ?? 'Payment declined' };
      return { kind: 'completed', paymentId: body.id };
    }
    if (response.status === 409 && body.code === 'PAYMENT.ORDER_ALREADY_PAID' && body.details?.payment_id) {
      return { kind: 'already_paid', paymentId: body.details.payment_id };
    }
    throw new PaymentRejectedError(response.status, String(body.message ?? 'no message'));
  }

  /** Refunds a completed payment; an already refunded one counts as done. */
  async refund(paymentId: string, caller: AuthenticatedUser, requestId: string): Promise<void> {
    const response = await this.client.request<{ code?: string; message?: string; details?: { status?: string } }>({
      method: 'POST',
      url: `/payments/${paymentId}/refund`,
      headers: { authorization: `Bearer ${caller.token}` },
      // A refund is a conditional state change on the payment: repeating it cannot refund twice.
      idempotent: true,
      requestId,
    });
    if (response.status === 200) return;
    if (response.status === 409 && response.data.code === 'PAYMENT.NOT_REFUNDABLE' && response.data.details?.status === 'refunded') return;
    throw new PaymentRejectedError(response.status, String(response.data.message ?? 'no message'));
  }
}
