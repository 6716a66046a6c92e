import path from 'node:path';
import {
  consumerRetryEnv,
  eventQueuesEnv,
  eventsExchange,
  loadEnv,
  messagingRetentionEnv,
  migrateOnStart,
  logLevel,
  nodeEnv,
  port,
  postgresUrl,
  rabbitmqUrl,
} from '@shop/kit';
import { z } from 'zod';

export const notificationEnvSchema = z
  .object({
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    MIGRATE_ON_START: migrateOnStart,
    NOTIFICATION_PORT: port(4101),
    NOTIFICATION_DATABASE_URL: postgresUrl('shop_notification'),
    RABBITMQ_URL: rabbitmqUrl,
    EVENTS_EXCHANGE: eventsExchange,
    /** e.g. smtp://user:pass@smtp.example.com:587; unset, mails are written as .eml files to MAIL_DIR. */
    SMTP_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url({ protocol: /^smtps?$/ }).optional()),
    MAIL_DIR: z.string().default(path.resolve(process.cwd(), 'var/mail')),
    MAIL_FROM: z.string().min(3).default('Shop <no-reply@shop.local>'),
    NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** `file` writes each SMS as a .txt file to SMS_DIR; `http` posts it to the provider at SMS_HTTP_URL. */
    SMS_TRANSPORT: z.enum(['file', 'http']).default('file'),
    SMS_DIR: z.string().default(path.resolve(process.cwd(), 'var/sms')),
    /** The sender name or number the provider shows. */
    SMS_FROM: z.string().min(1).max(20).default('Shop'),
    SMS_HTTP_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url({ protocol: /^https?$/ }).optional()),
    SMS_HTTP_TOKEN: z.preprocess((value) => (value === '' ? undefined : value), z.string().optional()),
    SMS_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  })
  .refine((env) => env.SMS_TRANSPORT !== 'http' || env.SMS_HTTP_URL, {
    path: ['SMS_HTTP_URL'],
    message: 'is required when SMS_TRANSPORT is http',
  })
  .and(consumerRetryEnv)
  .and(eventQueuesEnv)
  .and(messagingRetentionEnv);

export type NotificationEnv = z.infer<typeof notificationEnvSchema>;

export const loadNotificationEnv = (source: NodeJS.ProcessEnv = process.env): NotificationEnv => loadEnv(notificationEnvSchema, source);
