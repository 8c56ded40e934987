import { Module } from '@nestjs/common';
import { OrderServiceClient } from './order-service.client';

@Module({
  providers: [OrderServiceClient],
  exports: [OrderServiceClient],
})
export class OrderServiceModule {}
