import { IsCurrencyCode, IsMoneyAmount, PAYMENT_METHODS, type PaymentMethod } from '@app/money';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';

export class CreatePaymentDto {
  @ApiProperty({ example: '3b0f8a52-6c1e-4d7a-9f3e-5a2b7c9d1e04', format: 'uuid' })
  @IsUUID('all', { message: 'order_id must be a UUID' })
  order_id: string;

  /** Minor units once validated. */
  @IsMoneyAmount('amount', 1_000_000_000_000, { example: 59.97 })
  amount: number;

  @IsCurrencyCode()
  currency: string = 'USD';

  @ApiProperty({
    example: 'credit_card',
    enum: PAYMENT_METHODS,
    description: 'test_success always completes and test_decline always declines; the others decline at PAYMENT_DECLINE_RATE',
  })
  @IsIn(PAYMENT_METHODS, { message: `payment_method must be one of ${PAYMENT_METHODS.join(', ')}` })
  payment_method: PaymentMethod;
}
