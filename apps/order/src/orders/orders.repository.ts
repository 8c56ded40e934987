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

@Injectable()
export class OrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get orders() {
    return this.dataSource.getRepository(Order);
  }

  /** The order and its items in one transaction, as `pending`. */
  async insertPending(order: NewOrder): Promise<Order> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const saved = await manager.getRepository(Order).save(manager.getRepository(Order).create({ ...order, items: undefined, status: 'pending', paymentAttempt: 1 }));
        saved.items = await manager
          .getRepository(OrderItem)
          .save(order.items.map((item, position) => manager.getRepository(OrderItem).create({ ...item, position, orderId: saved.id })));
        return saved;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'orders_user_idempotency_key')) throw new DuplicateIdempotencyKeyError();
      throw error;
    }
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
   * attempt): concurrent requests cannot both win a transition.
   */
  async transition(
    id: string,
    from: { status: OrderStatus | OrderStatus[]; attempt?: number },
    to: { status: OrderStatus; statusReason?: string | null; paymentId?: string | null; nextAttempt?: boolean; paymentMethod?: string },
  ): Promise<boolean> {
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
    const result = await query.execute();
    return (result.affected ?? 0) > 0;
  }

  async setReason(id: string, status: OrderStatus, attempt: number, statusReason: string): Promise<void> {
    await this.orders.update({ id, status, paymentAttempt: attempt }, { statusReason });
  }
}
