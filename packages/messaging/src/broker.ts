import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { Logger } from 'pino';

export interface BrokerOptions {
  url: string;
  /** The durable topic exchange every event goes through (`shop.events` by default). */
  exchange: string;
  log: Logger;
}

/** One connection per process; it reconnects by itself and re-runs every channel's setup (queues, bindings, consumers). */
export class Broker {
  readonly connection: AmqpConnectionManager;
  private publisherChannel?: ChannelWrapper;

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

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  /** For readiness checks. */
  assertConnected(): void {
    if (!this.isConnected()) throw new Error('not connected to the broker');
  }

  /** A confirm channel: `publish` resolves only once the broker has taken responsibility for the message. */
  publisher(): ChannelWrapper {
    this.publisherChannel ??= this.connection.createChannel({
      confirm: true,
      json: false,
      setup: (channel: ConfirmChannel) => channel.assertExchange(this.exchange, 'topic', { durable: true }),
    });
    return this.publisherChannel;
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
