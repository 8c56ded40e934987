import { Page } from '@app/http';
import { assertFitsCurrency } from '@app/money';
import { Injectable } from '@nestjs/common';
import { CatalogRepository, NewProduct } from './catalog.repository';
import { CreateProductDto, ListProductsQuery, MAX_STOCK, UpdateProductDto } from './dto/product.dto';
import { Product } from './product.entity';

const ACTIVE_FILTER = { true: true, false: false, all: null } as const;

@Injectable()
export class CatalogService {
  constructor(private readonly products: CatalogRepository) {}

  list(query: ListProductsQuery): Promise<Page<Product>> {
    return this.products.list({ search: query.search, active: ACTIVE_FILTER[query.active], offset: query.start, limit: query.limit });
  }

  get(id: string): Promise<Product> {
    return this.products.get(id);
  }

  create(dto: CreateProductDto): Promise<Product> {
    return this.products.create(newProduct(dto));
  }

  async update(id: string, dto: UpdateProductDto): Promise<Product> {
    if (dto.price !== undefined) assertFitsCurrency(dto.price, (await this.products.get(id)).currency, 'price');
    const changes = { name: dto.name, description: dto.description, priceMinor: dto.price, active: dto.active };
    return this.products.update(id, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)));
  }

  restock(id: string, quantity: number): Promise<Product> {
    return this.products.restock(id, quantity, MAX_STOCK);
  }
}

/** A product as an admin (or the seed file) describes it, with its price checked against its currency. */
export function newProduct(dto: CreateProductDto): NewProduct {
  const currency = dto.currency ?? 'USD';
  assertFitsCurrency(dto.price, currency, 'price');
  return { sku: dto.sku, name: dto.name, description: dto.description ?? '', priceMinor: dto.price, currency, stockOnHand: dto.stock_on_hand ?? 0 };
}
