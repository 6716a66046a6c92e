import { useQuery } from '@apollo/client/react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { PRODUCTS_QUERY } from '../api/documents';
import { AddToCart } from '../components/add-to-cart';
import { ErrorAlert, Loading } from '../components/error-alert';
import type { StoreProductFragment } from '../gql/graphql';
import { Link, navigate, type Location } from '../router';

const PAGE_SIZE = 12;

/** The search and the page live in the URL (?search=…&after=…), so back, reload and shared links keep them. */
export function CataloguePage({ location }: { location: Location }) {
  const search = location.params.get('search') ?? '';
  const after = location.params.get('after');
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  const searchId = useId();
  const { data, previousData, loading, error } = useQuery(PRODUCTS_QUERY, {
    variables: { first: PAGE_SIZE, after, search: search || null },
    fetchPolicy: 'cache-and-network',
  });
  const products = (data ?? previousData)?.products;
  const go = (params: Record<string, string | null>) => {
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value) next.set(key, value);
    const query = next.toString();
    navigate(query ? `/?${query}` : '/');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    go({ search: text.trim() || null });
  };
  return (
    <>
      <h1>Catalogue</h1>
      <form role="search" className="search" onSubmit={submit}>
        <label htmlFor={searchId}>Search</label>
        <input id={searchId} type="search" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <ErrorAlert error={error} />
      {!products && loading ? <Loading what="products" /> : null}
      {products ? (
        <>
          <p className="muted" aria-live="polite">
            {products.totalCount === 0
              ? search
                ? `No products match “${search}”.`
                : 'The catalogue is empty.'
              : `${products.totalCount} ${products.totalCount === 1 ? 'product' : 'products'}${search ? ` matching “${search}”` : ''}`}
          </p>
          <div className="products">
            {products.edges.map(({ node }) => (
              <ProductCard key={node.id} product={node} />
            ))}
          </div>
          <nav aria-label="Pages" className="pager">
            {after ? (
              <button type="button" onClick={() => go({ search: search || null })}>
                First page
              </button>
            ) : null}
            {products.pageInfo.hasNextPage && products.pageInfo.endCursor ? (
              <button type="button" onClick={() => go({ search: search || null, after: products.pageInfo.endCursor ?? null })}>
                Next page
              </button>
            ) : null}
          </nav>
        </>
      ) : null}
    </>
  );
}

function ProductCard({ product }: { product: StoreProductFragment }) {
  const headingId = useId();
  return (
    <article aria-labelledby={headingId} className="card">
      <h2 id={headingId}>
        <Link to={`/products/${encodeURIComponent(product.id)}`}>{product.name}</Link>
      </h2>
      <p className="price">{product.price.formatted}</p>
      <p className={product.inStock ? 'muted' : 'out-of-stock'}>{product.inStock ? `${product.stock} in stock` : 'Out of stock'}</p>
      <AddToCart product={product} />
    </article>
  );
}
