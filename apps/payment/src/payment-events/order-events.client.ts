import { ServiceTokens } from '@app/auth';
import type { JsonRequestBody, OrderInternalOperations } from '@app/contracts';
import { ServiceClient } from '@app/service-client';
import type { PaymentEvent } from './payment-event.entity';

/** An event as the order service's internal contract takes it (libs/contracts/openapi/order.internal.openapi.json). */
export type PaymentEventMessage = JsonRequestBody<OrderInternalOperations['receivePaymentEvent']>;

export class OrderEventsClient {
  constructor(
    private readonly http: ServiceClient,
    private readonly tokens: ServiceTokens,
  ) {}

  /** The order service's HTTP status; throws ServiceUnreachableError when it cannot be reached or fails (5xx). */
  async send(event: PaymentEvent): Promise<number> {
    const message: PaymentEventMessage = {
      id: event.id,
      type: event.type,
      payment_id: event.paymentId,
      order_id: event.orderId,
      user_id: event.userId,
      occurred_at: event.createdAt.toISOString(),
    };
    const response = await this.http.request({
      method: 'POST',
      url: '/orders/internal/payment-events',
      data: message,
      headers: { authorization: `Bearer ${await this.tokens.sign('payment')}` },
      idempotent: false,
    });
    return response.status;
  }
}
