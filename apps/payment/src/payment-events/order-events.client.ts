import { ServiceTokens } from '@app/auth';
import { ServiceClient } from '@app/service-client';
import type { PaymentEvent } from './payment-event.entity';

export interface PaymentEventMessage {
  id: string;
  type: PaymentEvent['type'];
  payment_id: string;
  order_id: string;
  user_id: string;
  occurred_at: string;
}

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
