import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from 'pino';
import { declareTopology, type Topology } from './topology.js';

export interface BrokerOptions {
  url: string;
  /** The durable topic exchange every event goes through (`shop.events` by default). */
  exchange: string;
  log: Logger;
  /**
   * The consumer queues and bindings to declare with the exchange (services pass `systemTopology(...)`). None by
   * default: a bare broker (tests, tools) must not create queues with production names.
   */
  topology?: Topology;
}

/**
 * A channel's setup that fails because the connection dropped mid-way is re-run on reconnect; the wrapper reports
 * it as an 'error' event, which without a listener would be thrown (an unhandled rejection) instead.
 */
export function watchChannel(channel: ChannelWrapper, log: Logger, name: string): void {
  channel.on('error', (err: unknown) => log.warn({ err, channel: name }, 'broker channel setup failed; it is re-run on reconnect'));
}

/** The broker returned a `mandatory` message: no queue is bound to its routing key. */
export class UnroutableError extends Error {
  override name = 'UnroutableError';
}

/** One connection per process; it reconnects by itself and re-runs every channel's setup (queues, bindings, consumers). */
export class Broker {
  readonly connection: AmqpConnectionManager;
  private publisherChannel?: ChannelWrapper;
  /** Message ids of mandatory publishes awaiting their confirm, and which of them the broker returned. */
  private readonly awaitingConfirm = new Set<string>();
  private readonly returned = new Set<string>();

  constructor(readonly options: BrokerOptions) {
    this.connection = amqp.connect([options.url], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 });
    let connected = false;
    this.connection.on('connect', () => {
      connected = true;
      options.log.info('broker connected');
    });
    this.connection.on('disconnect', ({ err }) => {
      if (connected) options.log.warn({ err }, 'broker connection lost; reconnecting');
      connected = false;
    });
  }

  get exchange(): string {
    return this.options.exchange;
  }

  get topology(): Topology {
    return this.options.topology ?? [];
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  /** For readiness checks. */
  assertConnected(): void {
    if (!this.isConnected()) throw new Error('not connected to the broker');
  }

  /** A confirm channel: `publish` resolves only once the broker has taken responsibility for the message. */
  publisher(): ChannelWrapper {
    if (this.publisherChannel) return this.publisherChannel;
    this.publisherChannel = this.connection.createChannel({
      confirm: true,
      json: false,
      setup: async (channel: ConfirmChannel) => {
        // A new channel after every reconnect: the listener goes with it.
        channel.on('return', (message: Message) => {
          const id = message.properties.messageId as string | undefined;
          if (id !== undefined && this.awaitingConfirm.has(id)) this.returned.add(id);
        });
        await declareTopology(channel, this.exchange, this.topology);
      },
    });
    watchChannel(this.publisherChannel, this.options.log, 'publisher');
    return this.publisherChannel;
  }

  /**
   * Publishes with `mandatory` and waits for the confirm; rejects with UnroutableError when the broker returned
   * the message instead of routing it. (The broker confirms a returned message too, after sending basic.return
   * on the same channel, so by the time the confirm arrives the return has been seen.)
   */
  async publishMandatory(
    routingKey: string,
    content: Buffer,
    options: Options.Publish & { messageId: string; timeout?: number },
  ): Promise<void> {
    const id = options.messageId;
    this.awaitingConfirm.add(id);
    try {
      await this.publisher().publish(this.exchange, routingKey, content, { ...options, mandatory: true });
      if (this.returned.has(id)) throw new UnroutableError(`no queue is bound to ${routingKey} on ${this.exchange}`);
    } finally {
      this.awaitingConfirm.delete(id);
      this.returned.delete(id);
    }
  }

  async close(): Promise<void> {
    if (this.publisherChannel) {
      // Closing a channel whose setup is still in flight rejects that setup; give it a moment to finish.
      await Promise.race([this.publisherChannel.waitForConnect(), new Promise((resolve) => setTimeout(resolve, 1000))]).catch(
        () => undefined,
      );
      await this.publisherChannel.close().catch(() => undefined);
    }
    await this.connection.close();
  }
}
