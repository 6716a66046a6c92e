import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { CANCEL_ORDER_MUTATION, ORDER_QUERY, ORDER_STATUS_SUBSCRIPTION } from '../api/documents';
import { ErrorAlert, Loading } from '../components/error-alert';
import { FINAL_STATUSES, STATUS_WORDS, formatDateTime } from '../format';
import { Link } from '../router';

/** Before CONFIRMED an order can still be cancelled by its owner. */
const CANCELLABLE = new Set(['PENDING', 'PAID']);

export function OrderPage({ id }: { id: string }) {
  const { data, loading, error, refetch } = useQuery(ORDER_QUERY, { variables: { id }, fetchPolicy: 'cache-and-network' });
  const order = data?.order;
  // Each new subscription starts from a fresh read: a change missed while (re)connecting still shows.
  const [attempt, setAttempt] = useState(0);
  const live = order !== undefined && order !== null && !FINAL_STATUSES.has(order.status);
  const [cancel, cancelling] = useMutation(CANCEL_ORDER_MUTATION);

  if (!data && loading) return <Loading what="the order" />;
  if (!order) {
    return error ? (
      <ErrorAlert error={error} />
    ) : (
      <>
        <h1>Order not found</h1>
        <p>
          <Link to="/orders">Your orders</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Order {order.id.slice(0, 8)}</h1>
      <p className="muted">Placed {formatDateTime(order.createdAt)}</p>
      <p className="order-status">
        <span id="status-label">Status: </span>
        <strong role="status" aria-labelledby="status-label" className={`status status-${order.status.toLowerCase()}`}>
          {STATUS_WORDS[order.status]}
        </strong>
      </p>
      {live ? (
        <LiveUpdates
          key={attempt}
          id={id}
          onLost={() => {
            if (attempt >= 5) return;
            void refetch();
            setTimeout(() => setAttempt((n) => n + 1), 1000 * 2 ** attempt);
          }}
        />
      ) : null}
      {order.status === 'PAYMENT_FAILED' ? (
        <p role="alert" className="alert">
          Your card was declined{order.failureReason ? ` (${order.failureReason})` : ''}. Nothing was charged; your cart items can be
          ordered again with another card.
        </p>
      ) : null}
      {CANCELLABLE.has(order.status) ? (
        <button type="button" disabled={cancelling.loading} onClick={() => void cancel({ variables: { id } }).catch(() => undefined)}>
          Cancel order
        </button>
      ) : null}
      <ErrorAlert error={cancelling.error} />
      <h2>Items</h2>
      <ul className="order-items">
        {order.items.map((item) => (
          <li key={item.product.id}>
            <span>
              {item.quantity} × {item.name} at {item.unitPrice.formatted}
            </span>
            <span>{item.lineTotal.formatted}</span>
          </li>
        ))}
      </ul>
      <dl className="subtotal">
        <dt>Total</dt>
        <dd>{order.total.formatted}</dd>
      </dl>
      <h2>History</h2>
      <ol className="history">
        {order.statusHistory.map((change) => (
          <li key={`${change.status}-${change.at}`}>
            <time dateTime={change.at}>{formatDateTime(change.at)}</time> {STATUS_WORDS[change.status]}
            {change.reason ? ` (${change.reason})` : ''}
          </li>
        ))}
      </ol>
      <p>
        <Link to="/orders">All your orders</Link>
      </p>
    </>
  );
}

/** Subscribes while mounted; remounting (a new key) subscribes again after the socket was refused or lost. */
function LiveUpdates({ id, onLost }: { id: string; onLost: () => void }) {
  // The normalised cache takes the pushed Order (same id), so the order query re-renders by itself.
  useSubscription(ORDER_STATUS_SUBSCRIPTION, { variables: { orderId: id }, onError: onLost, onComplete: onLost });
  return <p className="muted">This page updates by itself as the order moves on.</p>;
}
