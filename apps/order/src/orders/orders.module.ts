import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { ClientsModule } from '../clients/clients.module';
import { InternalOrdersController } from './internal-orders.controller';
import { OrderItem } from './order-item.entity';
import { Order } from './order.entity';
import { OrderMetricsModule } from './order.metrics';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { PaymentEventsController } from './payment-events.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderItem]), ClientsModule, CatalogModule, OrderMetricsModule],
  controllers: [PaymentEventsController, InternalOrdersController, OrdersController],
  providers: [OrdersRepository, OrdersService],
})
export class OrdersModule {}
