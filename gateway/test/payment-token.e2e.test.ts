import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger, FINAL_ORDER_STATUSES } from '@shop/kit';
import { waitFor } from '@shop/kit/testing';
import { Broker, listDeadLetters, queueNames } from '@shop/messaging';
import type { ConfirmChannel } from 'amqplib';
import type { ShopClient } from '@shop/sdk';
import { createProduct, RABBITMQ_URL, startSystem, type System } from './system.js';

/** An amount whose charge always fails (the provider "is down" for it), so its order.placed ends as a dead letter. */
const DOOMED_CENTS = 4242;

describe('the payment token is stored only sealed', () => {
  let system: System;
  let admin: ShopClient;
  let broker: Broker;
  /** Every message body that crosses the events exchange, as raw text. */
  const wire: string[] = [];
  before(async () => {
    system = await startSystem({
      paymentProvider: (simulated) => ({
        charge: async (request) => {
          if (request.amountCents === DOOMED_CENTS) throw new Error('simulated provider outage');
          return simulated.charge(request);
        },
        refund: (request) => simulated.refund(request),
      }),
    });
    admin = await system.signInAdmin();
    broker = new Broker({ url: RABBITMQ_URL, exchange: system.exchange, log: createLogger('test', 'silent') });
    const tap = broker.connection.createChannel({
      setup: async (channel: ConfirmChannel) => {
        const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
        await channel.bindQueue(queue, system.exchange, '#');
        await channel.consume(queue, (message) => message && wire.push(message.content.toString('utf8')), { noAck: true });
      },
    });
    await tap.waitForConnect();
  });
  after(async () => {
    await broker?.close();
    await system?.close();
  });

  /** The bodies of the messages in a queue now, left in place. */
  async function bodiesIn(queue: string): Promise<string[]> {
    const bodies: string[] = [];
    const channel = broker.connection.createChannel({
      setup: async (raw: ConfirmChannel) => {
        for (;;) {
          const message = await raw.get(queue, { noAck: false });
          if (!message) break;
          bodies.push(message.content.toString('utf8'));
        }
        raw.nackAll(true);
      },
    });
    await channel.waitForConnect();
    await channel.close();
    return bodies;
  }

  it('keeps tok_visa out of outbox rows, broker messages, dead letters and the DLQ listing, and still charges it', async () => {
    const shopper = await system.signUp('Token Holder');
    const paid = await createProduct(admin, 5, 1999);
    await shopper.client.AddToCart({ productId: paid.id, quantity: 1 });
    const order = (await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } })).checkout;
    await waitFor(
      async () => FINAL_ORDER_STATUSES.has((await shopper.client.Order({ id: order.id })).order?.status ?? ''),
      'the order to settle',
    );
    assert.equal((await shopper.client.Order({ id: order.id })).order?.status, 'CONFIRMED', 'the sealed token was charged');

    const doomed = await createProduct(admin, 5, DOOMED_CENTS);
    await shopper.client.AddToCart({ productId: doomed.id, quantity: 1 });
    await shopper.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } });
    const deadQueue = queueNames(system.queues.payment).dead;
    await waitFor(
      async () => (await listDeadLetters(broker, system.queues.payment)).count > 0,
      'the doomed order.placed to be dead-lettered',
    );

    const outbox: Array<{ envelope: string }> = await system.services.order.orm.em
      .getConnection()
      .execute(`select envelope::text as envelope from outbox where type = 'order.placed'`);
    assert.equal(outbox.length, 2);
    for (const row of outbox) {
      assert.doesNotMatch(row.envelope, /tok_visa/);
      assert.match(row.envelope, /"paymentTokenSealed": ?"v1\./);
      assert.doesNotMatch(row.envelope, /"paymentToken"/);
    }
    const placedOnWire = wire.filter((body) => body.includes('"order.placed"'));
    assert.equal(placedOnWire.length, 2);
    for (const body of wire) assert.doesNotMatch(body, /tok_visa/);

    const dead = await bodiesIn(deadQueue);
    assert.equal(dead.length, 1);
    assert.match(dead[0]!, /paymentTokenSealed/);
    assert.doesNotMatch(dead[0]!, /tok_visa/);
    assert.doesNotMatch(JSON.stringify(await listDeadLetters(broker, system.queues.payment)), /tok_visa/);
  });
});
