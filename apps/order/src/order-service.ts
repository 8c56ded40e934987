import { authConfig } from '@app/auth';
import { ServiceDefinition } from '@app/bootstrap';
import { databaseConfig, ServiceDatabase } from '@app/db';
import { SERVICES } from '@app/contracts';
import { serviceCallsConfig } from '@app/service-client';
import { orderConfig } from './config/order.config';
import { CreateOrders1764190200000 } from './migrations/1764190200000-create-orders';
import { OrderVerification1796409497362 } from './migrations/1796409497362-order-verification';
import { CreateCatalog1796500000000 } from './migrations/1796500000000-create-catalog';
import { Product } from './catalog/product.entity';
import { OrderItem } from './orders/order-item.entity';
import { Order } from './orders/order.entity';

export const orderDatabase: ServiceDatabase = {
  service: 'order',
  entities: [Order, OrderItem, Product],
  migrations: [CreateOrders1764190200000, OrderVerification1796409497362, CreateCatalog1796500000000],
  migrationsDir: 'apps/order/src/migrations',
};

export const orderService: ServiceDefinition = {
  name: 'order',
  defaultPort: SERVICES.order.port,
  configs: [authConfig, databaseConfig, serviceCallsConfig, orderConfig],
  docs: {
    prefix: SERVICES.order.prefix,
    title: 'Order service',
    description: 'Places orders: checks the user with the user service, stores the order, charges it through the payment service, exactly once.',
  },
};
