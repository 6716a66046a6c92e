import { pino, type Logger } from 'pino';
import { activeTraceIds } from './tracing.js';

export type { Logger };

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: [
        'password',
        '*.password',
        'req.headers.authorization',
        'refreshToken',
        '*.refreshToken',
        // Card tokens, plain or sealed, wherever an event, its data or an input is logged whole.
        ...['paymentToken', 'paymentTokenSealed'].flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Inside a traced request or message, each line names its trace and span.
    mixin: () => activeTraceIds() ?? {},
  });
}
