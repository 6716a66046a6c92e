import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import pino from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { serveGraphqlWs } from './ws-transport.js';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, resolve: () => 'hi' } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      twice: {
        type: GraphQLString,
        subscribe: async function* () {
          yield { twice: 'first' };
          await new Promise((resolve) => setTimeout(resolve, 20));
          yield { twice: 'last' };
        },
      },
    },
  }),
});

describe('serveGraphqlWs', () => {
  const KEEPALIVE_MS = 300;
  let url: string;
  let httpServer: http.Server;
  let transport: { dispose(): Promise<void> };
  const logged: Array<{ level: number; msg: string }> = [];
  /** Writes to the kernel per server-side socket, in the order sockets connected. */
  const writes: number[] = [];

  before(async () => {
    httpServer = http.createServer();
    const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 });
    wss.on('connection', (_socket, request) => {
      const index = writes.push(0) - 1;
      type Write = (...args: unknown[]) => unknown;
      // The TCP socket `ws` writes to; its stream methods are wrapped to count what reaches the kernel.
      const raw = request.socket as unknown as { _write: Write; _writev: Write };
      for (const method of ['_write', '_writev'] as const) {
        const original = raw[method].bind(raw);
        raw[method] = (...args: unknown[]) => {
          writes[index]! += 1;
          return original(...args);
        };
      }
    });
    const log = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) });
    transport = serveGraphqlWs(wss, { schema }, { log, keepAliveMs: KEEPALIVE_MS });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`;
  });
  after(async () => {
    await transport.dispose();
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
  });

  const connect = async (options: { autoPong?: boolean } = {}) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', options);
    const messages: Array<{ type: string; id?: string; payload?: unknown }> = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as (typeof messages)[number]));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await until(() => messages.some((m) => m.type === 'connection_ack'));
    return { socket, messages, closed: new Promise<number>((resolve) => socket.once('close', resolve)) };
  };
  const until = async (done: () => boolean, ms = 2000) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  it('runs the protocol: a subscription streams its results, then completes; its last result and complete are one write', async () => {
    const { socket, messages } = await connect();
    const index = writes.length - 1;
    const before = writes[index]!;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { twice }' } }));
    await until(() => messages.some((m) => m.type === 'complete'));
    assert.deepEqual(
      messages.filter((m) => m.id === '1').map((m) => [m.type, m.payload]),
      [
        ['next', { data: { twice: 'first' } }],
        ['next', { data: { twice: 'last' } }],
        ['complete', undefined],
      ],
    );
    // The first next, then the last next with complete: two writes for three frames (no ping is due this early).
    assert.equal(writes[index]! - before, 2);
    socket.close();
  });

  it('keeps a socket that answers pings, and cuts one that does not within two periods', async () => {
    const live = await connect();
    const silent = await connect({ autoPong: false });
    const code = await Promise.race([silent.closed, new Promise((resolve) => setTimeout(() => resolve('open'), 3 * KEEPALIVE_MS))]);
    assert.equal(code, 1006, 'terminated, no close frame');
    assert.equal(live.socket.readyState, WebSocket.OPEN);
    live.socket.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: '{ hello }' } }));
    await until(() => live.messages.some((m) => m.id === 'q' && m.type === 'complete'));
    live.socket.close();
  });

  it('closes a socket that sends a frame over maxPayload with 1009, logged at debug level only', async () => {
    const { socket, closed } = await connect();
    const before = logged.length;
    socket.send('x'.repeat(2048));
    assert.equal(await closed, 1009);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = logged.slice(before);
    assert.ok(
      since.some((line) => line.level === 20 && /bad frame/.test(line.msg)),
      JSON.stringify(since),
    );
    assert.ok(!since.some((line) => line.level >= 50), JSON.stringify(since));
  });
});
