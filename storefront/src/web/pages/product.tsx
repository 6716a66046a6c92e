import { useQuery } from '@apollo/client/react';
import { PRODUCT_QUERY } from '../api/documents';
import { AddToCart } from '../components/add-to-cart';
import { ErrorAlert, Loading } from '../components/error-alert';
import { Link } from '../router';

export function ProductPage({ id }: { id: string }) {
  const { data, loading, error } = useQuery(PRODUCT_QUERY, { variables: { id }, fetchPolicy: 'cache-and-network' });
  const product = data?.product;
  if (!data && loading) return <Loading what="the product" />;
  if (error && !product) return <ErrorAlert error={error} />;
  if (!product) {
    return (
      <>
        <h1>Product not found</h1>
        <p>
          It may have been removed. <Link to="/">Back to the catalogue</Link>
        </p>
      </>
    );
  }
  return (
    <article className="product" aria-labelledby="product-name">
      <p>
        <Link to="/">← Catalogue</Link>
      </p>
      <h1 id="product-name">{product.name}</h1>
      <p className="price">{product.price.formatted}</p>
      <p className={product.inStock ? 'muted' : 'out-of-stock'}>{product.inStock ? `${product.stock} in stock` : 'Out of stock'}</p>
      <p>{product.description}</p>
      <AddToCart product={product} />
    </article>
  );
}
