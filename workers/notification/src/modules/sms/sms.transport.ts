import { setTimeout as sleep } from 'node:timers/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UndeliverableError } from '../outgoing.sender.js';

export interface OutgoingSms {
  id: string;
  kind: string;
  /** E.164. */
  to: string;
  text: string;
  correlationId: string;
}

export interface SmsTransport {
  send(sms: OutgoingSms): Promise<void>;
}

/** Development: each SMS becomes a .txt file in SMS_DIR, like the mails' .eml files. */
export function fileSmsTransport(options: { dir: string; from: string }): SmsTransport {
  return {
    send: async (sms) => {
      await mkdir(options.dir, { recursive: true });
      await writeFile(
        path.join(options.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${sms.kind}-${sms.id}.txt`),
        `From: ${options.from}\nTo: ${sms.to}\nX-Correlation-Id: ${sms.correlationId}\n\n${sms.text}\n`,
      );
    },
  };
}

export interface HttpSmsOptions {
  url: string;
  token?: string;
  from: string;
  timeoutMs: number;
  /** Tries per send for a 5xx, a timeout or a network error, before the sender's own backoff takes over. */
  attempts?: number;
  retryDelayMs?: number;
}

/**
 * A provider's HTTP API: `POST SMS_HTTP_URL` with `{ from, to, text, reference }`, `Authorization: Bearer
 * SMS_HTTP_TOKEN`, and the message id as `Idempotency-Key` on every try, so a retry after a 5xx whose message did
 * go out is not sent twice by a provider that honours it. 5xx, timeouts and network errors are retried; another
 * refusal (4xx: a bad number, a bad token) fails the message at once.
 */
export function httpSmsTransport(options: HttpSmsOptions): SmsTransport {
  const attempts = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 250;
  return {
    send: async (sms) => {
      let lastError: unknown;
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2));
        let response: Response;
        try {
          response = await fetch(options.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'idempotency-key': sms.id,
              'x-correlation-id': sms.correlationId,
              ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            },
            body: JSON.stringify({ from: options.from, to: sms.to, text: sms.text, reference: sms.id }),
            signal: AbortSignal.timeout(options.timeoutMs),
          });
        } catch (error) {
          lastError = error;
          continue;
        }
        // The body is not needed; reading it frees the connection.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        if (response.status >= 500 || response.status === 429) {
          lastError = new Error(`SMS provider answered ${response.status}`);
          continue;
        }
        throw new UndeliverableError(`SMS provider refused the message: ${response.status}`);
      }
      throw lastError instanceof Error ? lastError : new Error(String(lastError));
    },
  };
}

export function createSmsTransport(options: {
  transport: 'file' | 'http';
  dir: string;
  from: string;
  httpUrl?: string;
  httpToken?: string;
  timeoutMs: number;
}): SmsTransport {
  if (options.transport === 'http') {
    if (!options.httpUrl) throw new Error('SMS_TRANSPORT=http needs SMS_HTTP_URL');
    return httpSmsTransport({ url: options.httpUrl, token: options.httpToken, from: options.from, timeoutMs: options.timeoutMs });
  }
  return fileSmsTransport({ dir: options.dir, from: options.from });
}
