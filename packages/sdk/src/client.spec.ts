import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webSocketUrl } from './client.js';

describe('webSocketUrl', () => {
  it('puts subscriptions on the same host, port and path as HTTP', () => {
    assert.equal(webSocketUrl('http://localhost:4000/graphql'), 'ws://localhost:4000/graphql');
    assert.equal(webSocketUrl('https://shop.example.com/graphql'), 'wss://shop.example.com/graphql');
    assert.equal(webSocketUrl('http://127.0.0.1:39123/graphql?x=1'), 'ws://127.0.0.1:39123/graphql?x=1');
  });

  it('leaves a WebSocket URL alone', () => {
    assert.equal(webSocketUrl('wss://shop.example.com/graphql'), 'wss://shop.example.com/graphql');
  });
});
