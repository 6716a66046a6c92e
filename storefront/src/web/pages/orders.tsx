import { useQuery } from '@apollo/client/react';
import { MY_ORDERS_QUERY } from '../api/documents';
import { ErrorAlert, Loading } from '../components/error-alert';
import { STATUS_WORDS, formatDateTime } from '../format';
import { Link } from '../router';

const PAGE_SIZE = 20;

export function OrdersPage() {
  const { data, loading, error, fetchMore } = useQuery(MY_ORDERS_QUERY, {
    variables: { first: PAGE_SIZE, after: null },
    fetchPolicy: 'cache-and-network',
  });
  const orders = data?.me?.orders;
  if (!orders && loading) return <Loading what="your orders" />;
  if (!orders) return <ErrorAlert error={error ?? new Error('no orders')} />;
  const more = () =>
    fetchMore({
      variables: { after: orders.pageInfo.endCursor },
      updateQuery: (previous, { fetchMoreResult }) => {
        const before = previous.me?.orders;
        const next = fetchMoreResult.me?.orders;
        if (!before || !next || !fetchMoreResult.me) return previous as typeof fetchMoreResult;
        return { ...fetchMoreResult, me: { ...fetchMoreResult.me, orders: { ...next, edges: [...before.edges, ...next.edges] } } };
      },
    });
  return (
    <>
      <h1>Your orders</h1>
      <ErrorAlert error={error} />
      {orders.edges.length === 0 ? (
        <p>
          You have not ordered anything yet. <Link to="/">Browse the catalogue</Link>
        </p>
      ) : (
        <ul className="orders">
          {orders.edges.map(({ node }) => (
            <li key={node.id}>
              <Link to={`/orders/${encodeURIComponent(node.id)}`}>
                Order {node.id.slice(0, 8)}, {formatDateTime(node.createdAt)}
              </Link>
              <span className="muted">
                {node.items.map((item) => `${item.quantity} × ${item.name}`).join(', ')} · {node.total.formatted}
              </span>
              <span className={`status status-${node.status.toLowerCase()}`}>{STATUS_WORDS[node.status]}</span>
            </li>
          ))}
        </ul>
      )}
      {orders.pageInfo.hasNextPage ? (
        <button type="button" onClick={() => void more()}>
          Older orders
        </button>
      ) : null}
    </>
  );
}
