import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { DemoCatalog } from './demo-catalog';
import { Product } from './product.entity';
import { ProductsController } from './products.controller';

/** The products the shop sells, their prices and stock. Orders take prices and stock from it. */
@Module({
  imports: [TypeOrmModule.forFeature([Product])],
  controllers: [ProductsController],
  providers: [CatalogRepository, CatalogService, DemoCatalog],
  exports: [CatalogRepository],
})
export class CatalogModule {}
