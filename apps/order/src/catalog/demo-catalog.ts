import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { orderConfig, OrderConfig } from '../config/order.config';
import { CatalogRepository } from './catalog.repository';
import { newProduct } from './catalog.service';
import { CreateProductDto } from './dto/product.dto';

/** The seed products, checked like an admin's request: a bad file stops the start, naming the entry. */
export function readCatalogFile(file: string): CreateProductDto[] {
  const entries = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
  return entries.map((entry, index) => {
    const product = plainToInstance(CreateProductDto, entry);
    const errors = validateSync(product, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new Error(`${file}, entry ${index}: ${errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ')}`);
    return product;
  });
}

/**
 * Outside production (CATALOG_SEED=demo, the default there) an empty catalog gets the demo
 * products (or CATALOG_SEED_FILE's) on start, so `npm start` can be browsed and ordered from at once. Only an empty
 * catalog: products an admin added, changed or removed are never touched again, and replicas
 * starting together insert each SKU once.
 */
@Injectable()
export class DemoCatalog implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoCatalog.name);

  constructor(
    @Inject(orderConfig.KEY) private readonly config: OrderConfig,
    private readonly products: CatalogRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.CATALOG_SEED !== 'demo' || (await this.products.count()) > 0) return;
    const added = await this.products.insertMissing(readCatalogFile(this.config.CATALOG_SEED_FILE).map(newProduct));
    if (added) this.logger.log(`The catalog was empty: added ${added} products from ${this.config.CATALOG_SEED_FILE} (CATALOG_SEED=demo)`);
  }
}
