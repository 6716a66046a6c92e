import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useState, type FormEvent } from 'react';
import { PRODUCTS_QUERY, UPDATE_PRODUCT_MUTATION } from '../api/documents';
import { ErrorAlert, Loading } from '../components/error-alert';
import { useSession } from '../context';
import { majorUnits, parseMajorUnits } from '../format';
import type { StoreProductFragment } from '../gql/graphql';

const PAGE_SIZE = 50;

export function AdminPage() {
  const session = useSession();
  const [after, setAfter] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const { data, loading, error } = useQuery(PRODUCTS_QUERY, {
    variables: { first: PAGE_SIZE, after },
    fetchPolicy: 'cache-and-network',
    skip: session?.user.role !== 'ADMIN',
  });
  if (session?.user.role !== 'ADMIN') {
    return (
      <>
        <h1>Admin</h1>
        <p role="alert" className="alert">
          Only an administrator can change products. Sign in with an admin account.
        </p>
      </>
    );
  }
  const products = data?.products;
  return (
    <>
      <h1>Admin</h1>
      <p className="muted">Change a product’s price (in dollars, e.g. 12.34) or its stock, then press Save on its row.</p>
      <ErrorAlert error={error} />
      <p role="status" className="confirmation">
        {saved}
      </p>
      {!products && loading ? <Loading what="products" /> : null}
      {products ? (
        <ProductTable
          caption="Products"
          products={products.edges.map((edge) => edge.node)}
          onSaved={(name) => setSaved(`Saved ${name}.`)}
        />
      ) : null}
      {products?.pageInfo.hasNextPage ? (
        <button type="button" onClick={() => setAfter(products.pageInfo.endCursor ?? null)}>
          Next page
        </button>
      ) : null}
    </>
  );
}

/** Products as rows with their price and stock to edit (the admin's page, and a seller's own products). */
export function ProductTable({
  caption,
  products,
  onSaved,
}: {
  caption: string;
  products: readonly StoreProductFragment[];
  onSaved: (name: string) => void;
}) {
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Price</th>
            <th scope="col">Stock</th>
            <th scope="col">
              <span className="visually-hidden">Save</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {products.map((product) => (
            <ProductRow key={product.id} product={product} onSaved={onSaved} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProductRow({ product, onSaved }: { product: StoreProductFragment; onSaved: (name: string) => void }) {
  const [price, setPrice] = useState(majorUnits(product.price.amountCents));
  const [stock, setStock] = useState(String(product.stock));
  useEffect(() => setPrice(majorUnits(product.price.amountCents)), [product.price.amountCents]);
  useEffect(() => setStock(String(product.stock)), [product.stock]);
  const [invalid, setInvalid] = useState('');
  const [update, { loading, error, reset }] = useMutation(UPDATE_PRODUCT_MUTATION);
  const formId = `product-${product.id}`;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    reset();
    const priceCents = parseMajorUnits(price);
    const units = Number(stock);
    if (priceCents === null) return setInvalid(`The price of ${product.name} must be an amount like 12.34.`);
    if (!Number.isInteger(units) || units < 0) return setInvalid(`The stock of ${product.name} must be a whole number, 0 or more.`);
    setInvalid('');
    const { data } = await update({ variables: { id: product.id, input: { priceCents, stock: units } } }).catch(() => ({
      data: undefined,
    }));
    if (data) onSaved(product.name);
  };
  return (
    <tr>
      <th scope="row">{product.name}</th>
      <td>
        <input form={formId} aria-label="Price" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} required />
      </td>
      <td>
        <input
          form={formId}
          aria-label="Stock"
          type="number"
          min={0}
          step={1}
          value={stock}
          onChange={(e) => setStock(e.target.value)}
          required
        />
      </td>
      <td>
        {/* A form cannot sit inside a table row, so the inputs join it by its id. */}
        <form id={formId} onSubmit={(e) => void submit(e)}>
          <button type="submit" disabled={loading}>
            Save
          </button>
        </form>
        {invalid ? (
          <p role="alert" className="alert">
            {invalid}
          </p>
        ) : (
          <ErrorAlert error={error} productName={product.name} />
        )}
      </td>
    </tr>
  );
}
