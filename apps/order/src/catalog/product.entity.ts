import { BIGINT_AS_NUMBER } from '@app/db';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('products')
@Check('CHK_products_price', '"price_minor" > 0')
@Check('CHK_products_stock', '"stock_on_hand" >= 0')
@Index('products_sku', ['sku'], { unique: true })
// Expression indexes on the folded name (one active product per name; search): the migration owns them.
@Index('products_active_name', { synchronize: false })
@Index('products_name', { synchronize: false })
export class Product {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  description: string;

  @Column({ name: 'price_minor', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  priceMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** Units not held by any order: what can still be sold. */
  @Column({ name: 'stock_on_hand', type: 'integer' })
  stockOnHand: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
