import { ServiceOnly } from '@app/auth';
import { ApiErrors } from '@app/openapi';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation } from '@nestjs/swagger';
import { PaymentEventDto } from './dto/payment-event.dto';
import { OrdersService } from './orders.service';

/** Receives the payment service's outbox; not reachable through the gateway. */
@Controller('internal/payment-events')
export class PaymentEventsController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(204)
  @ServiceOnly('payment')
  @ApiOperation({
    description: 'A payment was refunded: a paid order ends refunded, once; 409 while the order has not recorded its payment (the sender retries)',
  })
  @ApiNoContentResponse({ description: 'Applied, or nothing to apply' })
  @ApiErrors(400, 401, 403, 404, 409)
  async receivePaymentEvent(@Body() event: PaymentEventDto): Promise<void> {
    await this.orders.applyPaymentEvent(event);
  }
}
