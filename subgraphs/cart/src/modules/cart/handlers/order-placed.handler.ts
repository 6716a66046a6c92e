import type { EventHandler } from '@shop/messaging';

/**
 * An order was placed from this cart: the bought lines leave it. A line goes only if it still holds the ordered
 * quantity and was last changed at or before the order's cart snapshot, so a line the user changed or re-added
 * after checking out stays; the inbox makes a redelivery delete nothing more.
 */
export const orderPlaced: EventHandler<'order.placed'> = async (event, em, log) => {
  const { userId, items, cartSnapshotAt } = event.data;
  // Events from before the snapshot time was published: the order's own time bounds what it could have bought.
  const snapshotAt = new Date(cartSnapshotAt ?? event.occurredAt);
  // One statement: the check and the delete cannot be split by a concurrent change to the cart. updated_at is
  // kept to the microsecond but the snapshot speaks milliseconds: compare at the snapshot's precision.
  const deleted: unknown[] = await em.execute(
    `delete from cart_lines
     where user_id = ? and (product_id, quantity) in (${items.map(() => '(?, ?)').join(', ')})
       and date_trunc('milliseconds', updated_at) <= ?
     returning product_id`,
    [userId, ...items.flatMap((line) => [line.productId, line.quantity]), snapshotAt],
  );
  log.info({ orderId: event.data.orderId, cleared: deleted.length, bought: items.length }, 'bought lines taken out of the cart');
};
