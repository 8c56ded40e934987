import { BIGINT_AS_NUMBER } from '@app/db';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Product } from '../catalog/product.entity';
import { Order } from './order.entity';

@Entity('order_items')
@Index('order_items_order_idx', ['orderId', 'position'])
@Check('CHK_order_items_quantity', '"quantity" BETWEEN 1 AND 10000')
@Check('CHK_order_items_price', '"unit_price_minor" > 0')
@Index('order_items_product_idx', ['productId'])
export class OrderItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Order, (order) => order.items, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'FK_order_items_order' })
  order: Order;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  /** Keeps the items in the order the client sent them. */
  @Column({ type: 'smallint' })
  position: number;

  @ManyToOne(() => Product)
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'FK_order_items_product' })
  product?: Product;

  /** The catalog product; null on orders placed before the catalog. */
  @Column({ name: 'product_id', type: 'uuid', nullable: true })
  productId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  sku: string | null;

  /** The product's name and price when the order was placed: later catalog changes leave them. */
  @Column({ name: 'product_name', type: 'varchar', length: 200 })
  productName: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ name: 'unit_price_minor', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  unitPriceMinor: number;
}
