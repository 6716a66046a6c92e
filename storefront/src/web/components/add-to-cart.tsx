import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ADD_TO_CART_MUTATION } from '../api/documents';
import { useSession } from '../context';
import type { StoreProductFragment } from '../gql/graphql';
import { navigate } from '../router';
import { ErrorAlert } from './error-alert';

export function AddToCart({ product, quantity = 1 }: { product: StoreProductFragment; quantity?: number }) {
  const session = useSession();
  const [add, { loading, error, reset }] = useMutation(ADD_TO_CART_MUTATION);
  const [added, setAdded] = useState(false);
  const click = async () => {
    if (!session) return navigate(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    setAdded(false);
    reset();
    const { data } = await add({ variables: { productId: product.id, quantity } }).catch(() => ({ data: undefined }));
    if (data) setAdded(true);
  };
  return (
    <div className="add-to-cart">
      <button type="button" onClick={() => void click()} disabled={!product.inStock || loading}>
        Add to cart
      </button>
      {/* Polite: the person stays where they are; a screen reader still hears that it worked. */}
      <p aria-live="polite" className="confirmation">
        {added ? `Added ${product.name} to your cart.` : ''}
      </p>
      <ErrorAlert error={error} productName={product.name} />
    </div>
  );
}
