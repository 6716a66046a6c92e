import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useState, type FormEvent } from 'react';
import { CREATE_PRODUCT_MUTATION, ME_QUERY, MY_SALES_QUERY, PRODUCTS_QUERY } from '../api/documents';
import { ErrorAlert, Loading } from '../components/error-alert';
import { useSession, useShop } from '../context';
import { parseMajorUnits } from '../format';
import { Field } from './account';
import { ProductTable } from './admin';

const PAGE_SIZE = 50;
/** Sales arrive as orders are confirmed elsewhere: the list is read again this often while the page is open. */
const SALES_POLL_MS = 5_000;

export function SellPage() {
  const session = useSession();
  const { api } = useShop();
  const { data: me } = useQuery(ME_QUERY, { skip: !session });
  const role = me?.me?.role ?? session?.user.role;
  // Granted while signed in: the account says SELLER before the access token does; a refresh brings the token up to date.
  const tokenBehind = role === 'SELLER' && session?.user.role !== 'SELLER';
  useEffect(() => {
    if (tokenBehind) void api.refresh();
  }, [tokenBehind, api]);
  const selling = session?.user.role === 'SELLER';
  const [saved, setSaved] = useState('');
  const products = useQuery(PRODUCTS_QUERY, {
    variables: { sellerId: session?.user.id ?? '', first: PAGE_SIZE },
    skip: !selling,
    fetchPolicy: 'cache-and-network',
  });
  const sales = useQuery(MY_SALES_QUERY, { variables: { first: 20 }, skip: !selling, pollInterval: SALES_POLL_MS });
  // A new sale took units off the shelf: the stock shown is read again.
  const soldCount = sales.data?.me?.sales.totalCount;
  const refetchProducts = products.refetch;
  useEffect(() => {
    if (soldCount) void refetchProducts();
  }, [soldCount, refetchProducts]);
  if (!selling) {
    return (
      <>
        <h1>Sell</h1>
        <p role="alert" className="alert">
          {tokenBehind
            ? 'Your seller account is being set up…'
            : 'Only a seller can sell here. An administrator can make your account a seller.'}
        </p>
      </>
    );
  }
  const listed = products.data?.products;
  const sold = sales.data?.me?.sales;
  return (
    <>
      <h1>Sell</h1>
      <NewProduct onCreated={(name) => setSaved(`Created ${name}.`)} refetch={() => void products.refetch()} />
      <p role="status" className="confirmation">
        {saved}
      </p>
      <ErrorAlert error={products.error} />
      {!listed && products.loading ? <Loading what="your products" /> : null}
      {listed ? (
        listed.edges.length === 0 ? (
          <p>You have no products on sale yet.</p>
        ) : (
          <ProductTable
            caption="Your products"
            products={listed.edges.map((edge) => edge.node)}
            onSaved={(name) => setSaved(`Saved ${name}.`)}
          />
        )
      ) : null}
      <section aria-labelledby="sales-heading">
        <h2 id="sales-heading">Your sales</h2>
        <ErrorAlert error={sales.error} />
        {!sold && sales.loading ? <Loading what="your sales" /> : null}
        {sold && sold.edges.length === 0 ? <p>No sales yet.</p> : null}
        {sold && sold.edges.length > 0 ? (
          <ul aria-label="Sales" className="sales">
            {sold.edges.map(({ node }) => (
              <li key={node.id}>
                {node.quantity} × {node.name}, {node.lineTotal.formatted}, order {node.orderId.slice(0, 8)},{' '}
                <time dateTime={node.soldAt}>{new Date(node.soldAt).toLocaleString()}</time>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </>
  );
}

function NewProduct({ onCreated, refetch }: { onCreated: (name: string) => void; refetch: () => void }) {
  const [fields, setFields] = useState({ sku: '', name: '', price: '', stock: '' });
  const [invalid, setInvalid] = useState('');
  const [create, { loading, error, reset }] = useMutation(CREATE_PRODUCT_MUTATION);
  const set = (key: keyof typeof fields) => (event: { target: { value: string } }) => setFields({ ...fields, [key]: event.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    reset();
    const priceCents = parseMajorUnits(fields.price);
    const stock = Number(fields.stock);
    if (priceCents === null) return setInvalid('The price must be an amount like 12.34.');
    if (!Number.isInteger(stock) || stock < 0) return setInvalid('The stock must be a whole number, 0 or more.');
    setInvalid('');
    const { data } = await create({ variables: { input: { sku: fields.sku, name: fields.name, priceCents, stock } } }).catch(() => ({
      data: undefined,
    }));
    if (data) {
      setFields({ sku: '', name: '', price: '', stock: '' });
      onCreated(data.createProduct.name);
      refetch();
    }
  };
  return (
    <form aria-labelledby="new-product-heading" onSubmit={(e) => void submit(e)} className="narrow">
      <h2 id="new-product-heading">New product</h2>
      <Field label="SKU" autoComplete="off" value={fields.sku} onChange={set('sku')} />
      <Field label="Name" autoComplete="off" value={fields.name} onChange={set('name')} />
      <Field label="Price" inputMode="decimal" aria-describedby="price-hint" value={fields.price} onChange={set('price')} />
      <p id="price-hint" className="muted">
        In dollars, e.g. 12.34.
      </p>
      <Field label="Stock" type="number" min={0} step={1} value={fields.stock} onChange={set('stock')} />
      <button type="submit" disabled={loading}>
        Create product
      </button>
      {invalid ? (
        <p role="alert" className="alert">
          {invalid}
        </p>
      ) : (
        <ErrorAlert error={error} />
      )}
    </form>
  );
}
