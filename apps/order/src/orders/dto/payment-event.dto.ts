import { IsDateString, IsIn, IsUUID } from 'class-validator';

/** What the payment service's outbox sends when something happens to a payment. */
export class PaymentEventDto {
  @IsUUID()
  id: string;

  @IsIn(['payment.refunded'])
  type: 'payment.refunded';

  @IsUUID()
  payment_id: string;

  @IsUUID()
  order_id: string;

  @IsUUID()
  user_id: string;

  @IsDateString()
  occurred_at: string;
}
