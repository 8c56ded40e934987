import { ServiceOnly } from '@app/auth';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { PaymentEventDto } from './dto/payment-event.dto';
import { OrdersService } from './orders.service';

/** Receives the payment service's outbox; not reachable through the gateway. */
@Controller('internal/payment-events')
export class PaymentEventsController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(204)
  @ServiceOnly('payment')
  async receivePaymentEvent(@Body() event: PaymentEventDto): Promise<void> {
    await this.orders.applyPaymentEvent(event);
  }
}
