import 'reflect-metadata';
import { bootstrapService } from '@app/bootstrap';
import { OrderAppModule } from './order-app.module';
import { orderService } from './order-service';

void bootstrapService(OrderAppModule, orderService);
