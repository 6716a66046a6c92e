import { AppError, amountTooLarge, money, type Money } from '@shop/kit';
import { CartItemType, CartType } from './cart.type.js';

interface MoneyRep {
  amountCents: number;
  currency: string;
}

export interface CartItemRepresentation {
  id: string;
  quantity: number;
  priceWhenAdded?: MoneyRep;
  product?: { price?: MoneyRep | null } | null;
}

export interface CartRepresentation {
  id: string;
  items?: CartItemRepresentation[];
}

function livePrice(item: CartItemRepresentation): MoneyRep {
  const price = item.product?.price;
  if (!price)
    throw new AppError('SERVICE_UNAVAILABLE', 'The current price of a cart item is not available right now', { cartItemId: item.id });
  return price;
}

/**
 * Prices one line from what federation handed over: quantity and priceWhenAdded (key) plus the live price (@requires).
 * Prices may rise after a line was added: a line above `maxTotalCents` gets a coded error on lineTotal alone.
 */
export function priceItem(item: CartItemRepresentation, maxTotalCents: number): CartItemType {
  const price = livePrice(item);
  const unitPrice: Money = money(price.amountCents, price.currency);
  const lineCents = price.amountCents * item.quantity;
  return Object.assign(new CartItemType(), {
    id: item.id,
    quantity: item.quantity,
    unitPrice,
    lineTotal: lineCents <= maxTotalCents ? money(lineCents, price.currency) : amountTooLarge('This line', maxTotalCents, price.currency),
    priceChanged: item.priceWhenAdded
      ? item.priceWhenAdded.amountCents !== price.amountCents || item.priceWhenAdded.currency !== price.currency
      : false,
  });
}

/** The subtotal at live prices, computed from the representation alone; above `maxTotalCents`, a coded error on subtotal. */
export function priceCart(cart: CartRepresentation, defaultCurrency: string, maxTotalCents: number): CartType {
  const items = cart.items ?? [];
  let total = 0;
  let currency = defaultCurrency;
  items.forEach((item, index) => {
    const price = livePrice(item);
    if (index === 0) currency = price.currency;
    else if (price.currency !== currency) throw new AppError('CONFLICT', 'The cart holds products priced in different currencies');
    total += price.amountCents * item.quantity;
  });
  const subtotal = total <= maxTotalCents ? money(total, currency) : amountTooLarge('The cart total', maxTotalCents, currency);
  return Object.assign(new CartType(), { id: cart.id, subtotal });
}
