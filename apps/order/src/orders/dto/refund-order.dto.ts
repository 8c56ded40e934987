import { IsIn, IsUUID } from 'class-validator';

export const REFUND_ACTORS = ['owner', 'admin'] as const;
export type RefundActor = (typeof REFUND_ACTORS)[number];

/** The payment service asks whether this refund may happen: the order's state machine decides. */
export class RefundOrderDto {
  @IsUUID('all', { message: 'payment_id must be a UUID' })
  payment_id: string;

  @IsIn(REFUND_ACTORS, { message: `actor must be one of ${REFUND_ACTORS.join(', ')}` })
  actor: RefundActor;
}
