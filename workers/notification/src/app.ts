import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger, createMetrics, createOrm, migrate, ormPoolMetrics, pingDatabase, startHealthServer } from '@shop/kit';
import { connectMessaging, messagingEntities, messagingMetrics } from '@shop/messaging';
import type { NotificationEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { Mail, Recipient } from './modules/mail/mail.entity.js';
import { MailSender } from './modules/mail/mail.sender.js';
import { createMailTransport, type MailTransport } from './modules/mail/mail.transport.js';
import { notificationHandlers } from './modules/mail/handlers/index.js';
import { SmsSender } from './modules/sms/sms.sender.js';
import { createSmsTransport, type SmsTransport } from './modules/sms/sms.transport.js';
import { Text } from './modules/sms/text.entity.js';

export const WORKER_NAME = 'notification';
export const entities = [Mail, Recipient, Text, ...messagingEntities];

export function connectNotificationDatabase(env: NotificationEnv, log = createLogger(WORKER_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  return createOrm({ clientUrl: env.NOTIFICATION_DATABASE_URL, entities, migrations, logger: log });
}

/** env -> orm (migrated unless MIGRATE_ON_START is false) -> consumer -> mail and SMS senders -> health endpoints. */
export async function startNotificationWorker(
  env: NotificationEnv,
  options: { transport?: MailTransport; smsTransport?: SmsTransport } = {},
) {
  const log = createLogger(WORKER_NAME, env.LOG_LEVEL);
  const orm = await connectNotificationDatabase(env, log);
  if (env.MIGRATE_ON_START) await migrate(orm);
  const transport = options.transport ?? createMailTransport({ smtpUrl: env.SMTP_URL, mailDir: env.MAIL_DIR, from: env.MAIL_FROM });
  const sender = new MailSender(orm, transport, log, env.NOTIFICATION_MAX_ATTEMPTS);
  const smsTransport =
    options.smsTransport ??
    createSmsTransport({
      transport: env.SMS_TRANSPORT,
      dir: env.SMS_DIR,
      from: env.SMS_FROM,
      httpUrl: env.SMS_HTTP_URL,
      httpToken: env.SMS_HTTP_TOKEN,
      timeoutMs: env.SMS_HTTP_TIMEOUT_MS,
    });
  const smsSender = new SmsSender(orm, smsTransport, log.child({ module: 'sms' }), env.NOTIFICATION_MAX_ATTEMPTS);
  const { broker, housekeeping, consume } = connectMessaging(orm, env, log);
  const consumer = await consume({
    name: env.NOTIFICATION_QUEUE,
    ...notificationHandlers(),
  });
  consumer.onOutcome((outcome) => {
    if (outcome !== 'applied') return;
    sender.nudge();
    smsSender.nudge();
  });
  sender.start();
  smsSender.start();
  const metrics = createMetrics(WORKER_NAME);
  ormPoolMetrics(metrics, orm);
  messagingMetrics(metrics, { orm, broker, consumer });

  const health = await startHealthServer({
    name: WORKER_NAME,
    port: env.NOTIFICATION_PORT,
    log,
    readiness: { postgres: () => pingDatabase(orm), rabbitmq: async () => broker.assertConnected() },
    metrics,
  });

  return {
    orm,
    port: health.port,
    consumer,
    sender,
    smsSender,
    close: async () => {
      await health.close();
      await consumer.close();
      await sender.stop();
      await smsSender.stop();
      await housekeeping.stop();
      await broker.close();
      await orm.close();
    },
  };
}
