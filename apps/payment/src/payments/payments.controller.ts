import { Authenticated, AuthenticatedUser, CurrentUser, OnBehalfOf } from '@app/auth';
import { ApiErrors, IdempotencyKey, uuidParam } from '@app/bootstrap';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { ListPaymentsQuery } from './dto/list-payments.query';
import { PaymentResponse } from './dto/payment.response';
import { PaymentsService } from './payments.service';

@ApiTags('payments')
@Controller()
@Authenticated()
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @HttpCode(201)
  // Only the order service knows an order is the caller's and what it costs.
  @OnBehalfOf('order', 'payments are made by the order service for the caller’s own orders; pay through POST /orders/{id}/pay')
  @ApiOperation({ summary: 'Pay for an order (simulated; called by the order service): a decline is a 201 with status declined, not an error' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeating a request with the same key returns the first payment instead of charging again',
  })
  @ApiCreatedResponse({ type: PaymentResponse, description: 'The payment, completed or declined' })
  @ApiOkResponse({
    type: PaymentResponse,
    description: 'The payment an earlier request with the same Idempotency-Key made',
    headers: { 'Idempotent-Replayed': { description: 'true', schema: { type: 'string', enum: ['true'] } } },
  })
  @ApiErrors(400, 409, 422)
  async createPayment(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: CreatePaymentDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentResponse> {
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
    return page.items.map(PaymentResponse.from);
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
  @ApiOperation({ summary: 'Refund a completed payment, once; the order service is told' })
  @ApiOkResponse({ type: PaymentResponse, description: 'The payment, now refunded' })
  @ApiErrors(400, 404, 409)
  async refundPayment(@CurrentUser() caller: AuthenticatedUser, @Param('id', uuidParam('id')) id: string): Promise<PaymentResponse> {
    return PaymentResponse.from(await this.payments.refund(caller, id));
  }
}
