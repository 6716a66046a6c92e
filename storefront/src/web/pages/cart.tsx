import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { CART_QUERY, CHECKOUT_MUTATION, REMOVE_FROM_CART_MUTATION, UPDATE_CART_ITEM_MUTATION } from '../api/documents';
import { ErrorAlert, Loading } from '../components/error-alert';
import type { StoreCartFragment } from '../gql/graphql';
import { Link, navigate } from '../router';

type Line = StoreCartFragment['items'][number];

/** The API's simulated provider: these tokens stand for a card that is approved and one that is declined. */
const PAYMENT_OPTIONS = [
  { token: 'tok_visa', label: 'Test card (approved)' },
  { token: 'tok_chargeDeclined', label: 'Test card (declined)' },
];

// Prices are live (the server prices the cart on every read): re-read now and then while the page is open.
const REFRESH_MS = 15_000;

export function CartPage() {
  const { data, loading, error } = useQuery(CART_QUERY, { fetchPolicy: 'cache-and-network', pollInterval: REFRESH_MS });
  const cart = data?.me?.cart;
  if (!cart && loading) return <Loading what="your cart" />;
  if (!cart) return <ErrorAlert error={error ?? new Error('no cart')} />;
  return (
    <>
      <h1>Cart</h1>
      {cart.items.length === 0 ? (
        <p>
          Your cart is empty. <Link to="/">Browse the catalogue</Link>
        </p>
      ) : (
        <>
          <ul className="cart-lines">
            {cart.items.map((line) => (
              <CartLine key={line.id} line={line} />
            ))}
          </ul>
          <dl className="subtotal">
            <dt>Subtotal</dt>
            <dd>{cart.subtotal.formatted}</dd>
          </dl>
          <Checkout cart={cart} />
        </>
      )}
    </>
  );
}

function CartLine({ line }: { line: Line }) {
  const quantityId = useId();
  const [quantity, setQuantity] = useState(String(line.quantity));
  useEffect(() => setQuantity(String(line.quantity)), [line.quantity]);
  const [update, updating] = useMutation(UPDATE_CART_ITEM_MUTATION);
  const [remove, removing] = useMutation(REMOVE_FROM_CART_MUTATION);
  const commit = async () => {
    const wanted = Number(quantity);
    if (!Number.isInteger(wanted) || wanted < 0 || wanted === line.quantity) return setQuantity(String(line.quantity));
    removing.reset();
    await update({ variables: { productId: line.product.id, quantity: wanted } }).catch(() => undefined);
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void commit();
    }
  };
  return (
    <li className="cart-line">
      <h2>
        <Link to={`/products/${encodeURIComponent(line.product.id)}`}>{line.product.name}</Link>
      </h2>
      <div className="field quantity">
        <label htmlFor={quantityId}>Quantity</label>
        <input
          id={quantityId}
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          onBlur={() => void commit()}
          onKeyDown={onKey}
        />
      </div>
      <dl className="line-prices">
        <dt>Unit price</dt>
        <dd>{line.unitPrice.formatted}</dd>
        <dt>Line total</dt>
        <dd>{line.lineTotal.formatted}</dd>
      </dl>
      <button
        type="button"
        disabled={removing.loading}
        onClick={() => void remove({ variables: { productId: line.product.id } }).catch(() => undefined)}
      >
        Remove
      </button>
      {line.priceChanged ? (
        <p className="price-changed">
          Price changed: it was {line.priceWhenAdded.formatted} when you added it, now {line.unitPrice.formatted}.
        </p>
      ) : null}
      {!line.product.inStock ? <p className="out-of-stock">Out of stock</p> : null}
      <ErrorAlert error={updating.error ?? removing.error} productName={line.product.name} />
    </li>
  );
}

function Checkout({ cart }: { cart: StoreCartFragment }) {
  const paymentId = useId();
  const [token, setToken] = useState(PAYMENT_OPTIONS[0]!.token);
  // One key per attempt at this cart: a retried click after a lost answer cannot place the order twice.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  useEffect(() => setIdempotencyKey(crypto.randomUUID()), [cart.subtotal.amountCents, cart.itemCount]);
  const [checkout, { loading, error }] = useMutation(CHECKOUT_MUTATION, { refetchQueries: [CART_QUERY] });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await checkout({ variables: { input: { paymentToken: token, idempotencyKey } } }).catch(() => ({ data: undefined }));
    if (data) navigate(`/orders/${encodeURIComponent(data.checkout.id)}`);
  };
  return (
    <form className="checkout" onSubmit={(e) => void submit(e)}>
      <div className="field">
        <label htmlFor={paymentId}>Payment</label>
        <select id={paymentId} value={token} onChange={(e) => setToken(e.target.value)}>
          {PAYMENT_OPTIONS.map((option) => (
            <option key={option.token} value={option.token}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert error={error} />
      <button type="submit" disabled={loading}>
        {loading ? 'Placing order…' : 'Place order'}
      </button>
    </form>
  );
}
