import { PageQuery } from '@app/http';
import { fromMinorUnits, IsCurrencyCode, IsMoneyAmount } from '@app/money';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import type { Product } from '../product.entity';

export const MAX_PRICE = 1_000_000;
/** Units on hand of one product, at most (also after restocks). */
export const MAX_STOCK = 1_000_000;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const STOCK_MESSAGE = `must be an integer between 0 and ${MAX_STOCK}`;

export class CreateProductDto {
  @ApiProperty({ example: 'KB-MECH-01', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Stock-keeping unit, unique' })
  @Transform(trim)
  @IsString({ message: 'sku must be a string' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'sku must be 1 to 64 letters, digits, dots, dashes or underscores' })
  sku: string;

  @ApiProperty({ example: 'Mechanical keyboard', maxLength: 200, description: 'Unique among active products (case-insensitive)' })
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name: string;

  @ApiPropertyOptional({ example: 'Tenkeyless, brown switches', maxLength: 2000, default: '' })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @Length(0, 2000, { message: 'description must be at most 2000 characters' })
  description?: string;

  @IsMoneyAmount('price', MAX_PRICE, { example: 19.99 })
  price: number;

  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ example: 25, minimum: 0, maximum: MAX_STOCK, default: 0 })
  @IsOptional()
  @IsInt({ message: `stock_on_hand ${STOCK_MESSAGE}` })
  @Min(0, { message: `stock_on_hand ${STOCK_MESSAGE}` })
  @Max(MAX_STOCK, { message: `stock_on_hand ${STOCK_MESSAGE}` })
  stock_on_hand?: number;
}

/** Price, name, description and the active flag; stock changes only through restock and orders. */
export class UpdateProductDto {
  @ApiPropertyOptional({ example: 'Mechanical keyboard (brown)', maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name?: string;

  @ApiPropertyOptional({ example: 'Tenkeyless, brown switches', maxLength: 2000 })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @Length(0, 2000, { message: 'description must be at most 2000 characters' })
  description?: string;

  @IsOptional()
  @IsMoneyAmount('price', MAX_PRICE, { example: 21.99, required: false, description: 'The new price; orders already placed keep theirs' })
  price?: number;

  @ApiPropertyOptional({ example: true, description: 'false deactivates the product (no new orders), true reactivates it' })
  @IsOptional()
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;
}

export class RestockDto {
  @ApiProperty({ example: 10, minimum: 1, maximum: MAX_STOCK, description: 'Units added to the stock on hand' })
  @IsInt({ message: `quantity must be an integer between 1 and ${MAX_STOCK}` })
  @Min(1, { message: `quantity must be an integer between 1 and ${MAX_STOCK}` })
  @Max(MAX_STOCK, { message: `quantity must be an integer between 1 and ${MAX_STOCK}` })
  quantity: number;
}

export class ListProductsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'keyboard', maxLength: 100, description: 'Case-insensitive part of the name' })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'search must be a string' })
  @Length(1, 100, { message: 'search must be 1 to 100 characters' })
  search?: string;

  @ApiPropertyOptional({ enum: ['true', 'false', 'all'], default: 'true', description: 'Active products (default), inactive ones, or all' })
  @IsOptional()
  @IsIn(['true', 'false', 'all'], { message: 'active must be true, false or all' })
  active: 'true' | 'false' | 'all' = 'true';
}

export class ProductResponse {
  @ApiProperty({ example: '3f0c8a52-1b7e-4d2a-9c61-7a4e2b9d5f10', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'KB-MECH-01' })
  sku: string;

  @ApiProperty({ example: 'Mechanical keyboard' })
  name: string;

  @ApiProperty({ example: 'Tenkeyless, brown switches' })
  description: string;

  @ApiProperty({ example: 19.99 })
  price: number;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ example: 25, description: 'Units not held by any order' })
  stock_on_hand: number;

  @ApiProperty({ example: true })
  active: boolean;

  @ApiProperty({ example: '2026-11-26T12:00:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: '2026-11-26T12:00:00.000Z', format: 'date-time' })
  updated_at: string;

  static from(product: Product): ProductResponse {
    return {
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      price: fromMinorUnits(product.priceMinor),
      currency: product.currency,
      stock_on_hand: product.stockOnHand,
      active: product.active,
      created_at: product.createdAt.toISOString(),
      updated_at: product.updatedAt.toISOString(),
    };
  }
}
