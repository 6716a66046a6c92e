import type { ServiceContext } from '@shop/kit';
import type { OrderService } from './modules/order/order.service.js';

export interface OrderContext extends ServiceContext {
  orders: OrderService;
}
