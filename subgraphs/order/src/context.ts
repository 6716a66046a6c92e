import type { ServiceContext } from '@shop/kit';
import type { OrderService } from './modules/order/order.service.js';
import type { SalesService } from './modules/sales/sales.service.js';

export interface OrderContext extends ServiceContext {
  orders: OrderService;
  sales: SalesService;
}
