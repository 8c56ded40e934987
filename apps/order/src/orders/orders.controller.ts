import { Authenticated, AuthenticatedUser, CurrentUser } from '@app/auth';
import { IdempotencyKey, RequestId, uuidParam } from '@app/http';
import { ApiErrors } from '@app/openapi';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreateOrderDto } from './dto/create-order.dto';
import { ListOrdersQuery } from './dto/list-orders.query';
import { OrderResponse } from './dto/order.response';
import { PayOrderDto } from './dto/pay-order.dto';
import { UpdateOrderStatusDto } from './dto/update-order-status.dto';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Authenticated()
@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Place an order: checks the user, stores the order, charges it',
    description:
      'Status `confirmed` when a completed payment of exactly its total was recorded, `payment_failed` when it was declined, `pending` when the payment service could not be reached or its answer not confirmed (see `status_reason`; ' +
      'a reconciler later confirms it if its payment went through, or says it is still unpaid). ' +
      'With an `Idempotency-Key`, repeating the request returns the first order instead of placing another. ' +
      'The catalog prices every item; 422 when an item names no product, or a price it sent is not the current one; 409 when a product has fewer units on hand than asked.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes retries safe: the same key returns the first result', example: 'checkout-7f3a9c' })
  @ApiCreatedResponse({ type: OrderResponse })
  @ApiErrors(400, 409, 422, 503)
  async createOrder(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: CreateOrderDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponse> {
    const { order, replayed } = await this.orders.place(caller, dto, idempotencyKey, requestId);
    if (replayed) reply.header('idempotent-replayed', 'true');
    return OrderResponse.from(order);
  }

  @Get()
  @ApiOperation({ summary: "The caller's orders, newest first" })
  @ApiOkResponse({ type: [OrderResponse], headers: { 'X-Total-Count': { description: 'Total number of matching orders', schema: { type: 'integer' } } } })
  @ApiErrors(400)
  async listOrders(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListOrdersQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponse[]> {
    const page = await this.orders.list(caller, query.status, query.start, query.limit);
    reply.header('x-total-count', String(page.total));
    return page.items.map((item) => OrderResponse.from(item));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of the caller’s orders (admins: any order)' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(400, 404)
  async getOrder(@CurrentUser() caller: AuthenticatedUser, @Param('id', uuidParam('id')) id: string): Promise<OrderResponse> {
    return OrderResponse.from(await this.orders.get(caller, id));
  }

  @Post(':id/pay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pay a pending order, or retry a declined one; never charges twice' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(400, 404, 409, 503)
  async payOrder(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: PayOrderDto,
    @RequestId() requestId: string,
  ): Promise<OrderResponse> {
    return OrderResponse.from(await this.orders.pay(caller, id, dto.payment_method, requestId));
  }

  @Patch(':id/status')
  @ApiOperation({
    summary: 'Move an order along its state machine',
    description:
      'pending → confirmed | payment_failed | cancelled; payment_failed → pending (retry) | cancelled; confirmed → shipped | cancelled (its payment is refunded) | refunded; ' +
      'shipped → delivered | refunded; delivered → refunded. Clients may request `cancelled` (owner) and `shipped`/`delivered` (admin); ' +
      '`refunded` follows `POST /payments/{id}/refund`: by the owner only while `confirmed` (before shipment), by an admin (the merchant) also when `shipped` or `delivered`. ' +
      'Anything else answers 409 naming the allowed targets.',
  })
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(400, 404, 409, 503)
  async updateOrderStatus(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: UpdateOrderStatusDto,
    @RequestId() requestId: string,
  ): Promise<OrderResponse> {
    return OrderResponse.from(await this.orders.changeStatus(caller, id, dto.status, requestId));
  }
}
