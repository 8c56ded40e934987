import { IsCurrencyCode, IsMoneyAmount, PAYMENT_METHODS, type PaymentMethod } from '@app/money';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const MAX_UNIT_PRICE = 1_000_000;
/** An alias sent beside the field it stands for would leave one of the two silently ignored. */
const NotWith = (field: keyof OrderItemDto, alias: string) =>
  ValidateBy({
    name: 'notWith',
    validator: {
      validate: (_value, args) => (args?.object as OrderItemDto)[field] === undefined,
      defaultMessage: () => `${alias} is an alias of ${field}: send one of them`,
    },
  });
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * An item names its product: by `product_id`, by `sku`, or by the name of an active product
 * (`product_name`, or `name` as the original system's examples write it). The server prices it from
 * the catalog; a `unit_price` (or `price`) sent with it is the price the client expects, and the
 * order is refused with 422 ORDER.PRICE_CHANGED when the catalog's differs.
 */
export class OrderItemDto {
  @ApiPropertyOptional({ format: 'uuid', example: '3f0c8a52-1b7e-4d2a-9c61-7a4e2b9d5f10', description: 'The product; or send `sku` or `product_name`' })
  // Checked when present, and when nothing else names the product: then the message says what to send.
  @ValidateIf((item: OrderItemDto) => item.product_id !== undefined || (item.sku === undefined && item.product_name === undefined && item.name === undefined))
  @IsUUID('all', { message: 'product_id must be a UUID (an item names its product by product_id, sku or product_name)' })
  product_id?: string;

  @ApiPropertyOptional({ example: 'KB-MECH-01', maxLength: 64 })
  @ValidateIf((item: OrderItemDto) => item.sku !== undefined)
  @Transform(trim)
  @IsString({ message: 'sku must be a string' })
  @Length(1, 64, { message: 'sku must be 1 to 64 characters' })
  sku?: string;

  @ApiPropertyOptional({ example: 'Mechanical keyboard', maxLength: 200, description: 'The name of an active product' })
  @ValidateIf((item: OrderItemDto) => item.product_name !== undefined)
  @Transform(trim)
  @IsString({ message: 'product_name must be a string' })
  @Length(1, 200, { message: 'product_name must be 1 to 200 characters' })
  product_name?: string;

  @ApiPropertyOptional({ example: 'Mechanical keyboard', description: 'Alias of product_name' })
  @ValidateIf((item: OrderItemDto) => item.name !== undefined)
  @NotWith('product_name', 'name')
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name?: string;

  @ApiProperty({ example: 3, minimum: 1, maximum: 10000 })
  @IsInt({ message: 'quantity must be an integer between 1 and 10000' })
  @Min(1, { message: 'quantity must be an integer between 1 and 10000' })
  @Max(10000, { message: 'quantity must be an integer between 1 and 10000' })
  quantity: number;

  @ValidateIf((item: OrderItemDto) => item.unit_price !== undefined)
  @IsMoneyAmount('unit_price', MAX_UNIT_PRICE, {
    example: 19.99,
    required: false,
    description: 'Optional: the price the client expects; the catalog sets the price',
  })
  unit_price?: number;

  @ValidateIf((item: OrderItemDto) => item.price !== undefined)
  @NotWith('unit_price', 'price')
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

  /** Defaults to the products' currency; when sent, it must be theirs. */
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
