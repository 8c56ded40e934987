import { ServiceOnly } from '@app/auth';
import { uuidParam } from '@app/http';
import { ApiErrors } from '@app/openapi';
import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { PaymentResponse } from './dto/payment.response';
import { PaymentsService } from './payments.service';

/** For the order service only (not reachable through the gateway): the real state of an order's payments. */
@Controller('internal')
export class InternalPaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get('orders/:orderId/payments')
  @ServiceOnly('order')
  @ApiOperation({ summary: "Every payment of an order, whoever made it: the reconciler's view of the truth" })
  @ApiOkResponse({ type: [PaymentResponse] })
  @ApiErrors(400)
  async listOrderPayments(@Param('orderId', uuidParam('orderId')) orderId: string): Promise<PaymentResponse[]> {
    return (await this.payments.listForOrder(orderId)).map((item) => PaymentResponse.from(item));
  }

  @Post('payments/:id/refund')
  @HttpCode(200)
  @ServiceOnly('order')
  @ApiOperation({ summary: "Refund an order's completed payment (an order cancelled after payment); a refunded one is answered as it is" })
  @ApiOkResponse({ type: PaymentResponse, description: 'The payment, refunded' })
  @ApiErrors(400, 404, 409)
  async refundPaymentForOrderService(@Param('id', uuidParam('id')) id: string): Promise<PaymentResponse> {
    return PaymentResponse.from(await this.payments.refundForOrderService(id));
  }
}
