import { IsCurrencyCode, IsMoneyAmount, PAYMENT_METHODS, type PaymentMethod } from '@app/money';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';

/** `POST /payments` as a buyer sent it to the payment service, passed on to pay the order. */
export class PayForUserDto {
  @ApiProperty({ format: 'uuid', example: '6f1c2f5e-8a4b-4c7e-9a59-2f4f7d1f0b6a', description: 'The buyer, as the payment service verified from their token' })
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id: string;

  /** Minor units once validated. */
  @IsMoneyAmount('amount', 1_000_000_000_000, { example: 59.97 })
  amount: number;

  @IsCurrencyCode()
  currency: string = 'USD';

  @ApiProperty({ enum: PAYMENT_METHODS, example: 'test_success' })
  @IsIn(PAYMENT_METHODS, { message: `payment_method must be one of ${PAYMENT_METHODS.join(', ')}` })
  payment_method: PaymentMethod;
}
