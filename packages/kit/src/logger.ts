import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: ['password', '*.password', 'req.headers.authorization', 'refreshToken', '*.refreshToken'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
