import { Authenticated } from '@app/auth';
import { uuidParam } from '@app/http';
import { ApiErrors, ApiPublic } from '@app/openapi';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CatalogService } from './catalog.service';
import { CreateProductDto, ListProductsQuery, ProductResponse, RestockDto, UpdateProductDto } from './dto/product.dto';

/** The shop's products: anyone browses them, admins change them. Served under /orders/products. */
@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ApiOperation({ summary: 'Browse the catalog: active products by default, by name' })
  @ApiPublic()
  @ApiOkResponse({ type: [ProductResponse], headers: { 'X-Total-Count': { description: 'Total number of matching products', schema: { type: 'integer' } } } })
  @ApiErrors(400)
  async listProducts(@Query() query: ListProductsQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProductResponse[]> {
    const page = await this.catalog.list(query);
    reply.header('x-total-count', String(page.total));
    return page.items.map((item) => ProductResponse.from(item));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One product (also an inactive one, so past orders can show it)' })
  @ApiPublic()
  @ApiOkResponse({ type: ProductResponse })
  @ApiErrors(400, 404)
  async getProduct(@Param('id', uuidParam('id')) id: string): Promise<ProductResponse> {
    return ProductResponse.from(await this.catalog.get(id));
  }

  @Post()
  @HttpCode(201)
  @Authenticated('admin')
  @ApiOperation({ summary: 'Add a product (admins)' })
  @ApiCreatedResponse({ type: ProductResponse })
  @ApiErrors(400, 409, 422)
  async createProduct(@Body() dto: CreateProductDto): Promise<ProductResponse> {
    return ProductResponse.from(await this.catalog.create(dto));
  }

  @Patch(':id')
  @Authenticated('admin')
  @ApiOperation({ summary: 'Change a product’s name, description, price or active flag (admins); placed orders keep their prices' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiErrors(400, 404, 409, 422)
  async updateProduct(@Param('id', uuidParam('id')) id: string, @Body() dto: UpdateProductDto): Promise<ProductResponse> {
    return ProductResponse.from(await this.catalog.update(id, dto));
  }

  @Post(':id/restock')
  @HttpCode(200)
  @Authenticated('admin')
  @ApiOperation({ summary: 'Add units to a product’s stock on hand (admins)' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiErrors(400, 404, 422)
  async restockProduct(@Param('id', uuidParam('id')) id: string, @Body() dto: RestockDto): Promise<ProductResponse> {
    return ProductResponse.from(await this.catalog.restock(id, dto.quantity));
  }

  @Delete(':id')
  @Authenticated('admin')
  @ApiOperation({ summary: 'Deactivate a product (admins): no new orders for it; placed orders and the product’s page stay' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiErrors(400, 404)
  async deactivateProduct(@Param('id', uuidParam('id')) id: string): Promise<ProductResponse> {
    return ProductResponse.from(await this.catalog.update(id, { active: false }));
  }
}
