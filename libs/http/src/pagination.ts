import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `limit`/`offset` paging; `skip` is accepted as the original system's name for `offset`. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer between 1 and 100' })
  @Min(1, { message: 'limit must be an integer between 1 and 100' })
  @Max(100, { message: 'limit must be an integer between 1 and 100' })
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, default: 0, example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be a non-negative integer' })
  @Min(0, { message: 'offset must be a non-negative integer' })
  @Max(1_000_000, { message: 'offset must be at most 1000000' })
  offset?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Alias of offset', example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'skip must be a non-negative integer' })
  @Min(0, { message: 'skip must be a non-negative integer' })
  @Max(1_000_000, { message: 'skip must be at most 1000000' })
  skip?: number;

  get start(): number {
    return this.offset ?? this.skip ?? 0;
  }
}

export interface Page<T> {
  items: T[];
  total: number;
}
