import { ApiProperty } from '@nestjs/swagger';
import { IsDateString, IsIn, IsUUID } from 'class-validator';

/** What the payment service's outbox sends when something happens to a payment. */
export class PaymentEventDto {
  @ApiProperty({ format: 'uuid', example: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e' })
  @IsUUID()
  id: string;

  @ApiProperty({ enum: ['payment.refunded'], example: 'payment.refunded' })
  @IsIn(['payment.refunded'])
  type: 'payment.refunded';

  @ApiProperty({ format: 'uuid', example: '9d4c2b1a-0e3f-4a5b-8c7d-6e5f4a3b2c1d' })
  @IsUUID()
  payment_id: string;

  @ApiProperty({ format: 'uuid', example: '0b8f1a2e-6c1d-4f7a-9a0e-3d2b1c4e5f60' })
  @IsUUID()
  order_id: string;

  @ApiProperty({ format: 'uuid', example: '6f1c2f5e-8a4b-4c7e-9a59-2f4f7d1f0b6a' })
  @IsUUID()
  user_id: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-26T12:00:00.000Z' })
  @IsDateString()
  occurred_at: string;
}
