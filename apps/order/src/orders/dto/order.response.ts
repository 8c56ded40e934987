import { ApiMoneyProperty, fromMinorUnits, PAYMENT_METHODS } from '@app/money';
import { ApiProperty } from '@nestjs/swagger';
import type { Order } from '../order.entity';
import { ORDER_STATUSES, type OrderStatus } from '../order-status';

export class OrderItemResponse {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: '3f0c8a52-1b7e-4d2a-9c61-7a4e2b9d5f10',
    description: 'The catalog product (null on orders placed before the catalog)',
  })
  product_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'KB-MECH-01' })
  sku: string | null;

  @ApiProperty({ example: 'Mechanical keyboard', description: 'The product’s name when the order was placed' })
  product_name: string;

  @ApiProperty({ example: 3 })
  quantity: number;

  @ApiMoneyProperty({ example: 19.99, description: 'The catalog’s price when the order was placed' })
  unit_price: number;

  @ApiProperty({ example: 59.97, description: 'quantity × unit_price, exact' })
  line_total: number;
}

export class OrderResponse {
  @ApiProperty({ example: '0b8f1a2e-6c1d-4f7a-9a0e-3d2b1c4e5f60', format: 'uuid' })
  id: string;

  @ApiProperty({ example: '6f1c2f5e-8a4b-4c7e-9a59-2f4f7d1f0b6a', format: 'uuid' })
  user_id: string;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'confirmed' })
  status: OrderStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Why the order is in its status (a decline reason, an unreachable payment service, no payment went through, a refunded payment)',
  })
  status_reason: string | null;

  @ApiProperty({ type: [OrderItemResponse] })
  items: OrderItemResponse[];

  @ApiProperty({ example: 59.97 })
  total_amount: number;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ enum: PAYMENT_METHODS, example: 'credit_card' })
  payment_method: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', example: '9d4c2b1a-0e3f-4a5b-8c7d-6e5f4a3b2c1d' })
  payment_id: string | null;

  @ApiProperty({ example: '2026-11-26T12:00:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: '2026-11-26T12:00:01.000Z', format: 'date-time' })
  updated_at: string;

  static from(order: Order): OrderResponse {
    return {
      id: order.id,
      user_id: order.userId,
      status: order.status,
      status_reason: order.statusReason,
      items: [...(order.items ?? [])]
        .sort((a, b) => a.position - b.position)
        .map((item) => ({
          product_id: item.productId,
          sku: item.sku,
          product_name: item.productName,
          quantity: item.quantity,
          unit_price: fromMinorUnits(item.unitPriceMinor),
          line_total: fromMinorUnits(item.unitPriceMinor * item.quantity),
        })),
      total_amount: fromMinorUnits(order.totalMinor),
      currency: order.currency,
      payment_method: order.paymentMethod,
      payment_id: order.paymentId,
      created_at: order.createdAt.toISOString(),
      updated_at: order.updatedAt.toISOString(),
    };
  }
}
