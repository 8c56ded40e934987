import { ServiceOnly } from '@app/auth';
import { UnauthorizedError } from '@app/errors';
import { RequestId, uuidParam } from '@app/http';
import { ApiErrors } from '@app/openapi';
import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { OrderResponse } from './dto/order.response';
import { PayForUserDto } from './dto/pay-for-user.dto';
import { RefundOrderDto } from './dto/refund-order.dto';
import { OrdersService } from './orders.service';

/** Carries the buyer's access token, so that the charge is made on their behalf as from `/pay`. */
const USER_TOKEN_HEADER = 'x-user-token';

/** For the payment service only (not reachable through the gateway): the order decides about its money. */
@Controller('internal/orders')
export class InternalOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post(':id/refunds')
  @HttpCode(200)
  @ServiceOnly('payment')
  @ApiOperation({ description: 'Moves the order to refunded if this actor may refund it now, before the payment service moves any money' })
  @ApiOkResponse({ type: OrderResponse, description: 'The refunded order (also when this payment already refunded it)' })
  @ApiErrors(400, 401, 403, 404, 409)
  async refundOrder(@Param('id', uuidParam('id')) id: string, @Body() dto: RefundOrderDto): Promise<OrderResponse> {
    return OrderResponse.from(await this.orders.refundOrder(id, dto.payment_id, dto.actor));
  }

  @Post(':id/payments')
  @HttpCode(200)
  @ServiceOnly('payment')
  @ApiOperation({ description: 'A buyer’s `POST /payments`: pays the order as `POST /orders/{id}/pay` would, once the amount is its exact total' })
  @ApiHeader({ name: USER_TOKEN_HEADER, required: true, description: 'The buyer’s access token' })
  @ApiOkResponse({ type: OrderResponse, description: 'The order after the charge' })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  async payOrderForUser(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: PayForUserDto,
    @Headers(USER_TOKEN_HEADER) userToken: string | undefined,
    @RequestId() requestId: string,
  ): Promise<OrderResponse> {
    if (!userToken) throw new UnauthorizedError(`The buyer's access token is required in ${USER_TOKEN_HEADER}`, 'AUTH.TOKEN_MISSING');
    const caller = { id: dto.user_id, role: 'user' as const, token: userToken };
    const order = await this.orders.payForUser(caller, id, { amountMinor: dto.amount, currency: dto.currency, paymentMethod: dto.payment_method }, requestId);
    return OrderResponse.from(order);
  }
}
