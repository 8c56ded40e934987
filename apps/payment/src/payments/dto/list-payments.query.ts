import { PageQuery } from '@app/http';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class ListPaymentsQuery extends PageQuery {
  @ApiPropertyOptional({ example: '3b0f8a52-6c1e-4d7a-9f3e-5a2b7c9d1e04', format: 'uuid', description: 'Only the payments of this order' })
  @IsOptional()
  @IsUUID('all', { message: 'order_id must be a UUID' })
  order_id?: string;
}
