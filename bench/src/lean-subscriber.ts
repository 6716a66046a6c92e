// A subscriber as lean as autocannon is for HTTP: one WebSocket speaking graphql-transport-ws (connection_init,
// subscribe, next, complete, ping) and nothing more, so that the load generator's own CPU per message stays small
// beside the gateway's on the same cores. It sends the SDK's own OrderStatusChanged document, so the gateway does
// the same work as for an app.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, print, separateOperations } from 'graphql';
import WebSocket from 'ws';

// bench/dist/src → the repository's schema/operations.
const OPERATIONS_DIR = path.resolve(__dirname, '../../../schema/operations');

/** The text of one of the SDK's operations with the fragments it uses (schema/operations, the codegen's input). */
export function sdkOperation(name: string): string {
  const text = readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => readFileSync(path.join(OPERATIONS_DIR, file), 'utf8'))
    .join('\n');
  const operation = separateOperations(parse(text))[name];
  if (!operation) throw new Error(`no operation ${name} in ${OPERATIONS_DIR}`);
  return print(operation);
}

export class SubscriptionFailed extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const codeOf = (errors: unknown): string => {
  const first = Array.isArray(errors) ? (errors[0] as { extensions?: { code?: unknown }; message?: unknown } | undefined) : undefined;
  return String(first?.extensions?.code ?? first?.message ?? 'error');
};

export interface LeanSubscription {
  /** Resolves with each `next` payload's data; ends on `complete`; rejects with SubscriptionFailed. */
  results: AsyncIterable<Record<string, unknown>>;
  close(): void;
}

/** Subscribes once over its own socket; the socket closes when the subscription completes or fails. */
export function leanSubscribe(url: string, token: string, query: string, variables: Record<string, unknown>): LeanSubscription {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const queue: Array<Record<string, unknown>> = [];
  let failure: SubscriptionFailed | null = null;
  let done = false;
  let wake: (() => void) | null = null;
  const settle = (error?: SubscriptionFailed) => {
    if (done) return;
    done = true;
    failure = error ?? null;
    wake?.();
    socket.close(1000);
  };
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; payload?: { data?: Record<string, unknown>; errors?: unknown } };
    switch (message.type) {
      case 'connection_ack':
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
        return;
      case 'ping':
        socket.send('{"type":"pong"}');
        return;
      case 'next':
        if (message.payload?.errors || !message.payload?.data) return settle(new SubscriptionFailed(codeOf(message.payload?.errors)));
        queue.push(message.payload.data);
        wake?.();
        return;
      case 'error':
        return settle(new SubscriptionFailed(codeOf(message.payload)));
      case 'complete':
        return settle();
    }
  });
  socket.on('close', (code) => settle(done ? undefined : new SubscriptionFailed(`socket closed ${code}`)));
  socket.on('error', (error) => settle(new SubscriptionFailed(error.message)));
  const results = async function* () {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (done) {
        if (failure) throw failure;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  };
  return { results: results(), close: () => settle() };
}
