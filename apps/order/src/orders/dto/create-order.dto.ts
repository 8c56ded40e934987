import { IsCurrencyCode, IsMoneyAmount, PAYMENT_METHODS, type PaymentMethod } from '@app/bootstrap';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf, ValidateNested } from 'class-validator';

const MAX_UNIT_PRICE = 1_000_000;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** `product_name`/`unit_price`, or `name`/`price` as the original system's examples write them. */
export class OrderItemDto {
  @ApiPropertyOptional({ example: 'Mechanical keyboard', maxLength: 200, description: 'Required unless `name` is given' })
  // Each spelling is checked whenever it is present: the one that is stored must be valid.
  @ValidateIf((item: OrderItemDto) => item.product_name !== undefined || item.name === undefined)
  @Transform(trim)
  @IsString({ message: 'product_name must be a string (or send name)' })
  @Length(1, 200, { message: 'product_name must be 1 to 200 characters' })
  product_name?: string;

  @ApiPropertyOptional({ example: 'Mechanical keyboard', description: 'Alias of product_name' })
  @ValidateIf((item: OrderItemDto) => item.name !== undefined)
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name?: string;

  @ApiProperty({ example: 3, minimum: 1, maximum: 10000 })
  @IsInt({ message: 'quantity must be an integer between 1 and 10000' })
  @Min(1, { message: 'quantity must be an integer between 1 and 10000' })
  @Max(10000, { message: 'quantity must be an integer between 1 and 10000' })
  quantity: number;

  @ValidateIf((item: OrderItemDto) => item.unit_price !== undefined || item.price === undefined)
  @IsMoneyAmount('unit_price', MAX_UNIT_PRICE, { example: 19.99, required: false, description: 'Required unless `price` is given' })
  unit_price?: number;

  @ValidateIf((item: OrderItemDto) => item.price !== undefined)
  @IsMoneyAmount('price', MAX_UNIT_PRICE, { example: 19.99, required: false, description: 'Alias of unit_price' })
  price?: number;
}

export class CreateOrderDto {
  @ApiProperty({ type: [OrderItemDto], minItems: 1, maxItems: 100 })
  @IsArray({ message: 'items must be an array of 1 to 100 items' })
  @ArrayMinSize(1, { message: 'items must be an array of 1 to 100 items' })
  @ArrayMaxSize(100, { message: 'items must be an array of 1 to 100 items' })
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items: OrderItemDto[];

  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ enum: PAYMENT_METHODS, default: 'credit_card', example: 'test_success' })
  @IsOptional()
  @IsIn(PAYMENT_METHODS, { message: `payment_method must be one of ${PAYMENT_METHODS.join(', ')}` })
  payment_method?: PaymentMethod;

  @ValidateIf((dto: CreateOrderDto) => dto.total_amount !== undefined)
  @IsMoneyAmount('total_amount', 100 * 10_000 * MAX_UNIT_PRICE, {
    example: 59.97,
    required: false,
    description: 'Optional check: when sent, it must equal the total the server computes',
  })
  total_amount?: number;
}
