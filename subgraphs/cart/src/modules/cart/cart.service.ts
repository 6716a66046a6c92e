import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  amountTooLarge,
  badInput,
  forbidden,
  isUuid,
  money,
  notFound,
  requireCaller,
  requireService,
  type Caller,
} from '@shop/kit';
import { CartLine } from './cart-line.entity.js';
import { CartItemType, CartType, ProductRef } from './cart.type.js';
import type { ProductClient, ProductFacts } from './product.client.js';

export interface CartPolicy {
  maxQuantity: number;
  /** The largest line total and cart subtotal at current prices (CART_MAX_TOTAL_CENTS). */
  maxTotalCents: number;
}

export interface CartLineSnapshot {
  productId: string;
  quantity: number;
  updatedAt: Date;
}

export class CartService {
  constructor(
    private readonly em: EntityManager,
    private readonly products: ProductClient,
    private readonly policy: CartPolicy,
    private readonly correlationId: string,
  ) {}

  /**
   * Who `me` is, as the cart subgraph answers it: the signed-in user (a user token; never an internal SERVICE
   * caller), or null. The same answer as the user subgraph's `me`, which this one shares, so that `me { cart }`
   * is planned as one fetch to cart instead of a fetch to user for the id and then one to cart.
   */
  signedInUser(caller: Caller | null): string | null {
    return caller && caller.role !== 'SERVICE' ? caller.userId : null;
  }

  /** The cart of `userId`, readable only by that user. One SQL statement however many lines. */
  async cartOf(caller: Caller | null, userId: string): Promise<CartType> {
    const signedIn = requireCaller(caller);
    if (signedIn.userId !== userId) throw forbidden('A cart can only be read by its owner');
    return this.load(userId);
  }

  async add(caller: Caller | null, productId: string, quantity: number): Promise<CartType> {
    const { userId } = requireCaller(caller);
    this.checkQuantity(quantity, 1);
    const product = await this.product(productId);
    const existing = await this.em.findOne(CartLine, { userId, productId: product.id });
    const wanted = (existing?.quantity ?? 0) + quantity;
    this.checkQuantity(wanted, 1, existing ? `with the ${existing.quantity} already in the cart` : '');
    this.checkStock(product, wanted);
    await this.checkTotal(userId, product, wanted);
    // One statement, so two adds racing on the same line both count; the WHERE keeps the bound under races too.
    const rows: Array<{ quantity: number }> = await this.em.getConnection().execute(
      `insert into cart_lines (user_id, product_id, quantity, price_when_added_cents, currency, added_at, updated_at)
       values (?, ?, ?, ?, ?, now(), now())
       on conflict (user_id, product_id) do update
         set quantity = cart_lines.quantity + excluded.quantity, updated_at = now()
         where cart_lines.quantity + excluded.quantity <= ?
       returning quantity`,
      [userId, product.id, quantity, product.price.amountCents, product.price.currency, Math.min(this.policy.maxQuantity, product.stock)],
    );
    if (rows.length === 0) throw badInput([{ field: 'quantity', message: 'the line changed at the same time; read the cart and retry' }]);
    return this.load(userId);
  }

  /** Sets a line's quantity; 0 removes it. A product not yet in the cart is added at its current price. */
  async set(caller: Caller | null, productId: string, quantity: number): Promise<CartType> {
    const { userId } = requireCaller(caller);
    this.checkQuantity(quantity, 0);
    if (quantity === 0) return this.remove(caller, productId);
    const product = await this.product(productId);
    this.checkStock(product, quantity);
    await this.checkTotal(userId, product, quantity);
    await this.em.getConnection().execute(
      `insert into cart_lines (user_id, product_id, quantity, price_when_added_cents, currency, added_at, updated_at)
       values (?, ?, ?, ?, ?, now(), now())
       on conflict (user_id, product_id) do update set quantity = excluded.quantity, updated_at = now()`,
      [userId, product.id, quantity, product.price.amountCents, product.price.currency],
    );
    return this.load(userId);
  }

  /** Idempotent: removing a product that is not in the cart returns the cart unchanged. */
  async remove(caller: Caller | null, productId: string): Promise<CartType> {
    const { userId } = requireCaller(caller);
    if (isUuid(productId)) await this.em.nativeDelete(CartLine, { userId, productId });
    return this.load(userId);
  }

  /** Internal (SERVICE): a user's lines as they are now, by product id, for the order service to price and reserve. */
  async snapshot(caller: Caller | null, userId: string): Promise<CartLineSnapshot[]> {
    requireService(caller);
    checkUserId(userId);
    const lines = await this.em.find(CartLine, { userId }, { orderBy: { productId: 'asc' } });
    return lines.map((line) => ({ productId: line.productId, quantity: line.quantity, updatedAt: line.updatedAt }));
  }

  private async load(userId: string): Promise<CartType> {
    const lines = await this.em.find(CartLine, { userId }, { orderBy: { addedAt: 'asc', productId: 'asc' } });
    return toCart(userId, lines);
  }

  private async product(productId: string) {
    const product = isUuid(productId) ? await this.products.get(productId, this.correlationId) : null;
    if (!product) throw notFound('Product', productId);
    return product;
  }

  private checkQuantity(quantity: number, min: number, context = '') {
    if (!Number.isInteger(quantity) || quantity < min || quantity > this.policy.maxQuantity) {
      const suffix = context ? ` (${context})` : '';
      throw badInput([{ field: 'quantity', message: `must be between ${min} and ${this.policy.maxQuantity} per line${suffix}` }]);
    }
  }

  /**
   * Refuses a line, or a cart, whose total at current prices would pass the limit. Two changes racing on
   * different lines can still pass it together; reading such a cart then fails on `subtotal` alone.
   */
  private async checkTotal(userId: string, product: ProductFacts, quantity: number): Promise<void> {
    const { currency } = product.price;
    const lineCents = product.price.amountCents * quantity;
    if (lineCents > this.policy.maxTotalCents) throw amountTooLarge('This line', this.policy.maxTotalCents, currency);
    const others = await this.em.find(CartLine, { userId, productId: { $ne: product.id } });
    const quantities = new Map(others.map((line) => [line.productId, line.quantity]));
    const prices = await this.products.prices([...quantities.keys()], this.correlationId);
    const subtotal = prices.reduce((sum, p) => sum + p.price.amountCents * quantities.get(p.id)!, lineCents);
    if (subtotal > this.policy.maxTotalCents) throw amountTooLarge('The cart total', this.policy.maxTotalCents, currency);
  }

  private checkStock(product: { id: string; name: string; stock: number }, wanted: number) {
    if (wanted > product.stock) {
      throw new AppError('OUT_OF_STOCK', `Only ${product.stock} of ${product.name} left`, {
        productId: product.id,
        available: product.stock,
        requested: wanted,
      });
    }
  }
}

function checkUserId(userId: string): void {
  if (!isUuid(userId)) throw badInput([{ field: 'userId', message: 'must be a UUID' }]);
}

export function toCart(userId: string, lines: CartLine[]): CartType {
  const items = lines.map((line) =>
    Object.assign(new CartItemType(), {
      id: `${userId}:${line.productId}`,
      product: Object.assign(new ProductRef(), { id: line.productId }),
      quantity: line.quantity,
      priceWhenAdded: money(line.priceWhenAddedCents, line.currency),
    }),
  );
  return Object.assign(new CartType(), { id: userId, items, itemCount: lines.reduce((sum, line) => sum + line.quantity, 0) });
}
