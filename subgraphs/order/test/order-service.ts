import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@shop/kit';
import { dropDatabases, postGraphQL, TEST_ENV, testDatabaseUrl, testTokens } from '@shop/kit/testing';
import type { EventData, EventType, ParsedEvent } from '@shop/messaging';
import { outboxDrained, publishEvent, recordOutcomes, tapExchange } from '@shop/messaging/testing';
import { loadOrderEnv, startOrderService } from '../src/index.js';
import { Order, OrderItem, OrderStatusChange } from '../src/modules/order/order.entity.js';

export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
// Nothing listens here: a test that reached the cart or product subgraph would fail instead of calling someone's.
const NOWHERE = 'http://127.0.0.1:9/graphql';

export interface Reply<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions: { code: string } & Record<string, unknown> }>;
}

export interface Line {
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

/** The events the order service reacts to (what the payment worker and the product subgraph send it). */
type Inbound = 'payment.succeeded' | 'payment.failed' | 'stock.committed' | 'stock.commit_failed';

/**
 * The order subgraph alone on a fresh database, its consumer on this file's exchange, and a tap on that exchange.
 * The cart and product subgraphs are not running: orders are stored as checkout stores them (see `placeOrder`).
 */
export async function startOrderUnderTest(extraEnv: NodeJS.ProcessEnv = {}) {
  const databaseUrl = testDatabaseUrl('order');
  const service = await startOrderService(
    loadOrderEnv({
      ...TEST_ENV,
      ORDER_PORT: '0',
      ORDER_DATABASE_URL: databaseUrl,
      RABBITMQ_URL,
      CART_URL: NOWHERE,
      PRODUCT_URL: NOWHERE,
      ...extraEnv,
    }),
    { prepare: true },
  );
  const outcomes = recordOutcomes(service.consumer);
  const tap = await tapExchange(RABBITMQ_URL, TEST_ENV.EVENTS_EXCHANGE, createLogger('order-test', 'silent'));
  /** Ids of the events this test published itself: the tap sees them too, but the order service did not emit them. */
  const published = new Set<string>();
  const sql = <T>(query: string, params: unknown[] = []) => service.orm.em.fork().getConnection().execute<T[]>(query, params);

  return {
    service,
    url: service.server.url,
    outcomes,
    tap,
    sql,

    /** A user access token; a fresh user id unless given. */
    async user(role: 'CUSTOMER' | 'ADMIN' = 'CUSTOMER', userId: string = randomUUID()) {
      return { userId, token: await testTokens.user({ userId, role }) };
    },

    /** One GraphQL operation straight to the subgraph, with the gateway's credential, as the holder of `token`. */
    graphql<T>(query: string, variables: object, token: string | null) {
      return postGraphQL<Reply<T>>(service.server.url, query, variables, token);
    },

    /**
     * Stores a PENDING order the way checkout does (order, item snapshot, first history entry, one transaction).
     * Checkout itself needs the cart and product subgraphs; everything after it is driven through events and the API.
     */
    async placeOrder(userId: string, lines: Line[], createdAt = new Date()) {
      const em = service.orm.em.fork();
      const id = randomUUID();
      const totalCents = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
      em.create(Order, {
        id,
        userId,
        idempotencyKey: randomUUID(),
        totalCents,
        currency: 'USD',
        correlationId: `test-${id.slice(0, 8)}`,
        cartSnapshotAt: createdAt,
        createdAt,
        updatedAt: createdAt,
      });
      lines.forEach((line, position) => em.create(OrderItem, { orderId: id, position, ...line }));
      em.create(OrderStatusChange, { orderId: id, seq: 1, status: 'PENDING', reason: null, at: createdAt });
      await em.flush();
      return { id, totalCents };
    },

    /** Publishes an event to the order service as its sender would, and waits until the consumer applied it. */
    async tell<T extends Inbound>(type: T, data: EventData<T>) {
      const id = await publishEvent(tap.broker, type, data);
      published.add(id);
      await outcomes.settled(id, 1);
      assert.deepEqual(outcomes.final(id), ['applied'], `${type} ${id} was applied once`);
      return id;
    },

    /** The order's row as stored. */
    async row(orderId: string) {
      const [row] = await sql<{ status: string; revision: number; refunded: boolean; failure_reason: string | null }>(
        'select status, revision, refunded, failure_reason from orders where id = ?',
        [orderId],
      );
      return row;
    },

    /**
     * Every event the order service has emitted about `orderId`, as it crossed the exchange: complete once the outbox
     * is drained (each row confirmed by the broker) and the tap has caught up with what the broker accepted.
     */
    async emitted(orderId: string): Promise<ParsedEvent[]> {
      await outboxDrained(service.orm);
      await tap.flush();
      return tap.events.filter((event) => !published.has(event.id) && (event.data as { orderId?: string }).orderId === orderId);
    },

    async close() {
      await service.close();
      await tap.close();
      await dropDatabases([databaseUrl]);
    },
  };
}

export type OrderUnderTest = Awaited<ReturnType<typeof startOrderUnderTest>>;

/** The types of `events`, in the order they crossed the exchange. */
export const typesOf = (events: ParsedEvent[]): EventType[] => events.map((event) => event.type);
