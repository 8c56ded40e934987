import { ServiceOnly } from '@app/auth';
import { RequestId, uuidParam, UnauthorizedError } from '@app/bootstrap';
import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
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
  async refundOrder(@Param('id', uuidParam('id')) id: string, @Body() dto: RefundOrderDto): Promise<OrderResponse> {
    return OrderResponse.from(await this.orders.refundOrder(id, dto.payment_id, dto.actor));
  }

  @Post(':id/payments')
  @HttpCode(200)
  @ServiceOnly('payment')
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
