import { consumerHandlers } from '@shop/messaging';
import { cartPriceDropped } from './cart-price-dropped.handler.js';
import { orderCancelled } from './order-cancelled.handler.js';
import { orderConfirmed } from './order-confirmed.handler.js';
import { productLowStock } from './product-low-stock.handler.js';
import { userPreferencesChanged } from './user-preferences-changed.handler.js';
import { userProfileUpdated } from './user-profile-updated.handler.js';
import { userRegistered } from './user-registered.handler.js';

/** Every mail and SMS the notification worker sends, and what it learns of its recipients, by event: one handler per event, one file each. */
export const notificationHandlers = () =>
  consumerHandlers('notification', {
    'user.registered': userRegistered,
    'user.profile_updated': userProfileUpdated,
    'user.preferences_changed': userPreferencesChanged,
    'order.confirmed': orderConfirmed,
    'order.cancelled': orderCancelled,
    'cart.price_dropped': cartPriceDropped,
    'product.low_stock': productLowStock,
  });
