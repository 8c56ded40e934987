import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';

export const REFUND_ACTORS = ['owner', 'admin'] as const;
export type RefundActor = (typeof REFUND_ACTORS)[number];

/** The payment service asks whether this refund may happen: the order's state machine decides. */
export class RefundOrderDto {
  @ApiProperty({ format: 'uuid', example: '9d4c2b1a-0e3f-4a5b-8c7d-6e5f4a3b2c1d' })
  @IsUUID('all', { message: 'payment_id must be a UUID' })
  payment_id: string;

  @ApiProperty({ enum: REFUND_ACTORS, example: 'owner', description: 'Who asked: the buyer (before shipment only) or an admin' })
  @IsIn(REFUND_ACTORS, { message: `actor must be one of ${REFUND_ACTORS.join(', ')}` })
  actor: RefundActor;
}
