import { ServiceOnly } from '@app/auth';
import { uuidParam } from '@app/bootstrap';
import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { PaymentResponse } from './dto/payment.response';
import { PaymentsService } from './payments.service';

/** For the order service only (not reachable through the gateway): the real state of an order's payments. */
@Controller('internal')
export class InternalPaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get('orders/:orderId/payments')
  @ServiceOnly('order')
  async listOrderPayments(@Param('orderId', uuidParam('orderId')) orderId: string): Promise<PaymentResponse[]> {
    return (await this.payments.listForOrder(orderId)).map(PaymentResponse.from);
  }

  @Post('payments/:id/refund')
  @HttpCode(200)
  @ServiceOnly('order')
  async refundPaymentForOrderService(@Param('id', uuidParam('id')) id: string): Promise<PaymentResponse> {
    return PaymentResponse.from(await this.payments.refundForOrderService(id));
  }
}
