import { authConfig } from '@app/auth';
import { ServiceDefinition } from '@app/bootstrap';
import { databaseConfig, ServiceDatabase } from '@app/db';
import { orderConfig } from './config/order.config';
import { CreateOrders1764190200000 } from './migrations/1764190200000-create-orders';
import { OrderVerification1796409497362 } from './migrations/1796409497362-order-verification';
import { OrderItem } from './orders/order-item.entity';
import { Order } from './orders/order.entity';

export const orderDatabase: ServiceDatabase = {
  service: 'order',
  entities: [Order, OrderItem],
  migrations: [CreateOrders1764190200000, OrderVerification1796409497362],
  migrationsDir: 'apps/order/src/migrations',
};

export const orderService: ServiceDefinition = {
  name: 'order',
  defaultPort: 3002,
  configs: [authConfig, databaseConfig, orderConfig],
  docs: {
    prefix: 'orders',
    title: 'Order service',
    description: 'Places orders: checks the user with the user service, stores the order, charges it through the payment service, exactly once.',
  },
};
