import type { ServiceContext } from '@shop/kit';
import type { ProductService } from './modules/product/product.service.js';
import type { StockService } from './modules/stock/stock.service.js';

export interface ProductContext extends ServiceContext {
  products: ProductService;
  stock: StockService;
}
