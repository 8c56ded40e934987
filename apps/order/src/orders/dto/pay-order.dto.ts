import { PAYMENT_METHODS, type PaymentMethod } from '@app/money';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class PayOrderDto {
  @ApiPropertyOptional({ enum: PAYMENT_METHODS, example: 'test_success', description: 'Pay a declined order with another method' })
  @IsOptional()
  @IsIn(PAYMENT_METHODS, { message: `payment_method must be one of ${PAYMENT_METHODS.join(', ')}` })
  payment_method?: PaymentMethod;
}
