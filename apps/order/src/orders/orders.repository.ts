import { Page } from '@app/bootstrap';
import { isUniqueViolation } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { OrderItem } from './order-item.entity';
import { Order } from './order.entity';
import type { OrderStatus } from './order-status';

export type NewOrder = Pick<Order, 'userId' | 'currency' | 'totalMinor' | 'paymentMethod' | 'idempotencyKey' | 'requestFingerprint'> & {
  items: Pick<OrderItem, 'productName' | 'quantity' | 'unitPriceMinor'>[];
};

export class DuplicateIdempotencyKeyError extends Error {}

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  status_reason: string | null;
  currency: string;
  total_minor: string;
  payment_method: string;
  payment_id: string | null;
  payment_attempt: number;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class OrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get orders() {
    return this.dataSource.getRepository(Order);
  }

  /**
   * The order and its items as `pending`, in one statement (atomic like a transaction, one round
   * trip instead of four).
   */
  async insertPending(order: NewOrder): Promise<Order> {
    let rows: OrderRow[];
    try {
      rows = await this.dataSource.query(
        `WITH new_order AS (
           INSERT INTO orders (user_id, status, currency, total_minor, payment_method, idempotency_key, request_fingerprint)
           VALUES ($1, 'pending', $2, $3, $4, $5, $6)
           RETURNING *
         ), new_items AS (
           INSERT INTO order_items (order_id, position, product_name, quantity, unit_price_minor)
           SELECT new_order.id, item.position, item.product_name, item.quantity, item.unit_price_minor
           FROM new_order, jsonb_to_recordset($7::jsonb) AS item(position smallint, product_name varchar, quantity integer, unit_price_minor bigint)
         )
         SELECT * FROM new_order`,
        [
          order.userId,
          order.currency,
          order.totalMinor,
          order.paymentMethod,
          order.idempotencyKey,
          order.requestFingerprint,
          JSON.stringify(order.items.map((item, position) => ({ position, product_name: item.productName, quantity: item.quantity, unit_price_minor: item.unitPriceMinor }))),
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'orders_user_idempotency_key')) throw new DuplicateIdempotencyKeyError();
      throw error;
    }
    const row = rows[0];
    return this.orders.create({
      id: row.id,
      userId: row.user_id,
      status: row.status,
      statusReason: row.status_reason,
      currency: row.currency,
      totalMinor: Number(row.total_minor),
      paymentMethod: row.payment_method,
      paymentId: row.payment_id,
      paymentAttempt: row.payment_attempt,
      idempotencyKey: row.idempotency_key,
      requestFingerprint: row.request_fingerprint,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      items: order.items.map((item, position) => this.dataSource.getRepository(OrderItem).create({ ...item, position, orderId: row.id })),
    });
  }

  findByIdempotencyKey(userId: string, key: string): Promise<Order | null> {
    return this.orders.findOne({ where: { userId, idempotencyKey: key }, relations: { items: true } });
  }

  findById(id: string): Promise<Order | null> {
    return this.orders.findOne({ where: { id }, relations: { items: true } });
  }

  /** Two statements whatever the page size: the page with its total, then all of its items. */
  async listForUser(userId: string, status: OrderStatus | undefined, offset: number, limit: number): Promise<Page<Order>> {
    const query = this.orders
      .createQueryBuilder('o')
      .addSelect('count(*) OVER ()', 'total')
      .where('o.user_id = :userId', { userId })
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .offset(offset)
      .limit(limit);
    if (status) query.andWhere('o.status = :status', { status });
    const { entities, raw } = await query.getRawAndEntities<{ total: string }>();
    const total = raw.length ? Number(raw[0].total) : await this.orders.countBy({ userId, ...(status ? { status } : {}) });
    if (entities.length) {
      const items = await this.dataSource.getRepository(OrderItem).find({ where: { orderId: In(entities.map((o) => o.id)) } });
      for (const order of entities) order.items = items.filter((item) => item.orderId === order.id);
    }
    return { items: entities, total };
  }

  /**
   * Moves the order only if it is still where the caller saw it (and at the same payment
   * attempt): concurrent requests cannot both win a transition. Returns the new updated_at, or
   * null when another request moved the order first.
   */
  async transition(
    id: string,
    from: { status: OrderStatus | OrderStatus[]; attempt?: number },
    to: { status: OrderStatus; statusReason?: string | null; paymentId?: string | null; nextAttempt?: boolean; paymentMethod?: string },
  ): Promise<Date | null> {
    const query = this.orders
      .createQueryBuilder()
      .update(Order)
      .set({
        status: to.status,
        ...(to.statusReason !== undefined ? { statusReason: to.statusReason } : {}),
        ...(to.paymentId !== undefined ? { paymentId: to.paymentId } : {}),
        ...(to.nextAttempt ? { paymentAttempt: () => 'payment_attempt + 1' } : {}),
        ...(to.paymentMethod ? { paymentMethod: to.paymentMethod } : {}),
      })
      .where('id = :id', { id })
      .andWhere('status IN (:...from)', { from: Array.isArray(from.status) ? from.status : [from.status] });
    if (from.attempt !== undefined) query.andWhere('payment_attempt = :attempt', { attempt: from.attempt });
    const result = await query.returning('updated_at').execute();
    return (result.raw as { updated_at: Date }[])[0]?.updated_at ?? null;
  }

  async setReason(id: string, status: OrderStatus, attempt: number, statusReason: string): Promise<void> {
    await this.orders.update({ id, status, paymentAttempt: attempt }, { statusReason });
  }
}
