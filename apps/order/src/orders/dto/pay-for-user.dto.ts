import { IsCurrencyCode, IsMoneyAmount, PAYMENT_METHODS, type PaymentMethod } from '@app/bootstrap';
import { IsIn, IsUUID } from 'class-validator';

/** `POST /payments` as a buyer sent it to the payment service, passed on to pay the order. */
export class PayForUserDto {
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id: string;

  /** Minor units once validated. */
  @IsMoneyAmount('amount', 1_000_000_000_000, { example: 59.97 })
  amount: number;

  @IsCurrencyCode()
  currency: string = 'USD';

  @IsIn(PAYMENT_METHODS, { message: `payment_method must be one of ${PAYMENT_METHODS.join(', ')}` })
  payment_method: PaymentMethod;
}
