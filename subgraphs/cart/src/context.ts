import type { ServiceContext } from '@shop/kit';
import type { CartService } from './modules/cart/cart.service.js';

export interface CartContext extends ServiceContext {
  carts: CartService;
}
