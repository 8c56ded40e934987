import { Authenticated, AuthenticatedUser, CurrentUser, ON_BEHALF_HEADER } from '@app/auth';
import { IdempotencyKey, RequestId, uuidParam } from '@app/http';
import { ApiErrors } from '@app/openapi';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { ListPaymentsQuery } from './dto/list-payments.query';
import { PaymentResponse } from './dto/payment.response';
import { OrderServiceToken } from './order-service-token';
import { PaymentsService } from './payments.service';

@ApiTags('payments')
@Controller()
@Authenticated()
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly orderServiceToken: OrderServiceToken,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Pay for one of your orders (simulated): a decline is a 201 with status declined, not an error',
    description:
      'With your own token only, the order service checks the order first, exactly as `POST /orders/{id}/pay`: it must be yours (404 otherwise), ' +
      'pending or payment_failed (409 otherwise) and `amount` must equal its total (422 naming the total). ' +
      'The order service itself calls this route with its `X-Service-Token` to charge an order it checked.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'With X-Service-Token: repeating a request with the same key returns the first payment instead of charging again',
  })
  @ApiHeader({ name: 'X-Service-Token', required: false, description: 'Sent by the order service only; an invalid one is refused with 403' })
  @ApiCreatedResponse({ type: PaymentResponse, description: 'The payment, completed or declined' })
  @ApiOkResponse({
    type: PaymentResponse,
    description: 'The payment an earlier request with the same Idempotency-Key made',
    headers: { 'Idempotent-Replayed': { description: 'true', schema: { type: 'string', enum: ['true'] } } },
  })
  @ApiErrors(400, 403, 404, 409, 422, 503)
  async createPayment(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: CreatePaymentDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Headers(ON_BEHALF_HEADER) serviceToken: string | undefined,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentResponse> {
    if (serviceToken === undefined) return PaymentResponse.from(await this.payments.payOwnOrder(caller, dto, requestId));
    await this.orderServiceToken.assertValid(serviceToken);
    const { payment, replayed } = await this.payments.create(caller, dto, idempotencyKey);
    if (replayed) reply.status(200).header('idempotent-replayed', 'true');
    return PaymentResponse.from(payment);
  }

  @Get()
  @ApiOperation({ summary: "The caller's payments, newest first" })
  @ApiOkResponse({ type: [PaymentResponse], headers: { 'X-Total-Count': { description: 'Total number of matching payments', schema: { type: 'integer' } } } })
  @ApiErrors(400)
  async listPayments(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListPaymentsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentResponse[]> {
    const page = await this.payments.list(caller, query);
    reply.header('x-total-count', String(page.total));
    return page.items.map((item) => PaymentResponse.from(item));
  }

  @Get(':id')
  @ApiOperation({ summary: "One of the caller's payments (404 for anyone else's)" })
  @ApiOkResponse({ type: PaymentResponse })
  @ApiErrors(400, 404)
  async getPayment(@CurrentUser() caller: AuthenticatedUser, @Param('id', uuidParam('id')) id: string): Promise<PaymentResponse> {
    return PaymentResponse.from(await this.payments.getOwned(caller, id));
  }

  @Post(':id/refund')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Refund a completed payment, once: its order ends refunded',
    description:
      'The owner may refund only before shipment (order `confirmed`); an admin (the merchant) may refund any payment whose order is `confirmed`, `shipped` or `delivered`. ' +
      'The order service decides: anything else answers 409 `ORDER.NOT_REFUNDABLE` with the order’s status.',
  })
  @ApiOkResponse({ type: PaymentResponse, description: 'The payment, now refunded' })
  @ApiErrors(400, 404, 409, 503)
  async refundPayment(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', uuidParam('id')) id: string,
    @RequestId() requestId: string,
  ): Promise<PaymentResponse> {
    return PaymentResponse.from(await this.payments.refund(caller, id, requestId));
  }
}
