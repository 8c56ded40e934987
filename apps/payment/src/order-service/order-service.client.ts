import { AuthenticatedUser, ServiceTokens } from '@app/auth';
import { DomainError, NotFoundError, UnavailableError } from '@app/errors';
import { fromMinorUnits, PaymentMethod } from '@app/money';
import { ServiceClient, ServiceUnreachableError } from '@app/service-client';
import type { JsonRequestBody, JsonResponse, OrderInternalOperations, OrderSchemas } from '@app/contracts';

/** Who asks for a refund: the order's state machine allows the owner less than a merchant (admin). */
export type RefundActor = 'owner' | 'admin';

/** The header that carries the buyer's own access token to the order service's internal pay route. */
export const USER_TOKEN_HEADER = 'x-user-token';

/** What the payment service reads of the order the internal pay route answers, as the order service's internal contract declares it. */
export type OrderView = Pick<JsonResponse<OrderInternalOperations['payOrderForUser'], 200>, 'id' | 'status' | 'status_reason' | 'payment_id'>;

type RefundRequest = JsonRequestBody<OrderInternalOperations['refundOrder']>;
type PayRequest = JsonRequestBody<OrderInternalOperations['payOrderForUser']>;

/** The one error shape, as the order service documents it; any field may be missing from a reply that is not one. */
type ErrorReply = Partial<OrderSchemas['ErrorBody']>;

/** The order service's internal routes: it decides whether an order may be paid or refunded. */
export class OrderServiceClient {
  constructor(
    private readonly http: ServiceClient,
    private readonly tokens: ServiceTokens,
  ) {}

  /** Moves the order to `refunded` if this actor may refund it now; refuses (409) otherwise. */
  async authorizeRefund(orderId: string, paymentId: string, actor: RefundActor, requestId: string): Promise<void> {
    await this.call(
      // Conditional on the order's status: repeating it cannot refund anything twice.
      {
        method: 'POST',
        url: `/orders/internal/orders/${orderId}/refunds`,
        data: { payment_id: paymentId, actor } satisfies RefundRequest,
        idempotent: true,
        requestId,
      },
      'the refund was not made',
    );
  }

  /** Pays the caller's own order through the order service's normal pay path; answers the order. */
  async payOrder(
    caller: AuthenticatedUser,
    payment: { orderId: string; amountMinor: number; currency: string; paymentMethod: PaymentMethod },
    requestId: string,
  ): Promise<OrderView> {
    return this.call<OrderView>(
      {
        method: 'POST',
        url: `/orders/internal/orders/${payment.orderId}/payments`,
        headers: { [USER_TOKEN_HEADER]: caller.token },
        data: {
          user_id: caller.id,
          amount: fromMinorUnits(payment.amountMinor),
          currency: payment.currency,
          payment_method: payment.paymentMethod,
        } satisfies PayRequest,
        idempotent: false,
        requestId,
      },
      'the order was not paid',
    );
  }

  private async call<T>(
    call: { method: string; url: string; data: unknown; headers?: Record<string, string>; idempotent: boolean; requestId: string },
    consequence: string,
  ): Promise<T> {
    let response;
    try {
      response = await this.http.request<T & ErrorReply>({
        ...call,
        headers: { ...call.headers, authorization: `Bearer ${await this.tokens.sign('payment')}` },
      });
    } catch (error) {
      if (!(error instanceof ServiceUnreachableError)) throw error;
      throw new UnavailableError('ORDER_SERVICE.UNAVAILABLE', `The order service could not be reached, so ${consequence}; try again shortly`, {
        reason: error.reason,
      });
    }
    const body = response.data;
    if (response.status === 200 || response.status === 201) return body;
    if (response.status === 404) throw new NotFoundError('Order');
    // The order service's own refusal (409, 422) reaches the client as it was given.
    if ((response.status === 409 || response.status === 422) && body.code)
      throw new DomainError(body.code, body.message ?? 'Refused by the order service', response.status, body.details);
    throw new UnavailableError('ORDER_SERVICE.UNAVAILABLE', `The order service answered ${response.status}, so ${consequence}; try again shortly`);
  }
}
