// The bench measures real answers: its request builder, sent to the system, gets exactly the JSON this test computes
// from its own inputs (the prices it set, the quantities it added), byte for byte, for every user it rotates through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSystem, type System } from '@shop/gateway/test/system';
import { buildRequest, isError, type HttpFixture } from '../src/scenarios.js';

const PRICES = [199, 250, 1234, 5, 99_999];
const dollars = (cents: number) => `$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;

describe('bench scenarios', () => {
  let system: System;
  const users: Array<{ token: string; id: string; email: string; name: string; lines: Array<{ product: number; quantity: number }> }> = [];
  const products: Array<{ id: string; name: string; priceCents: number }> = [];

  before(async () => {
    system = await startSystem({ workers: false });
    const admin = await system.signInAdmin();
    for (const [i, priceCents] of PRICES.entries()) {
      const input = { sku: `BENCH-T-${Date.now()}-${i}`, name: `Bench test item ${i}`, priceCents, stock: 1000 };
      const { createProduct } = await admin.CreateProduct({ input });
      products.push({ id: createProduct.id, name: createProduct.name, priceCents });
    }
    for (let u = 0; u < 3; u += 1) {
      const user = await system.signUp(`Bench Test ${u}`);
      const lines = PRICES.map((_, k) => ({ product: (u + k) % PRICES.length, quantity: 1 + ((u + k) % 4) }));
      for (const line of lines) await user.client.AddToCart({ productId: products[line.product]!.id, quantity: line.quantity });
      users.push({ token: user.accessToken, id: user.user.id, email: user.email, name: user.user.name, lines });
    }
    // A price change after the carts were filled: the cart must show the live price and say it changed.
    products[2]!.priceCents = 1500;
    await admin.UpdateProduct({ id: products[2]!.id, input: { priceCents: 1500 } });
  });

  after(() => system?.close());

  const send = async (scenario: 'cart5' | 'me', fixture: HttpFixture, index: number) => {
    const { headers, body } = buildRequest(scenario, fixture, index);
    const response = await fetch(system.url, { method: 'POST', headers, body });
    return { status: response.status, text: await response.text() };
  };

  it('cart5: each rotated request answers its user’s 5-line cart at live prices, exactly', async () => {
    const fixture = { tokens: users.map((u) => u.token) };
    for (let index = 0; index < users.length * 2; index += 1) {
      const user = users[index % users.length]!;
      const items = user.lines.map(({ product, quantity }) => {
        const p = products[product]!;
        return {
          quantity,
          product: { name: p.name, price: { amountCents: p.priceCents, currency: 'USD' } },
          unitPrice: { amountCents: p.priceCents },
          lineTotal: { amountCents: p.priceCents * quantity },
          priceChanged: p.priceCents !== PRICES[product],
        };
      });
      const subtotal = items.reduce((sum, item) => sum + item.lineTotal.amountCents, 0);
      const expected = JSON.stringify({
        data: { me: { cart: { items, subtotal: { amountCents: subtotal, formatted: dollars(subtotal) } } } },
      });
      const { status, text } = await send('cart5', fixture, index);
      assert.equal(isError('cart5', status, text), false);
      // The gateway ends its JSON with a newline.
      assert.equal(text, `${expected}\n`);
    }
  });

  it('me: each rotated request answers as its own user', async () => {
    const fixture = { tokens: users.map((u) => u.token) };
    for (let index = 0; index < users.length; index += 1) {
      const user = users[index]!;
      const { text } = await send('me', fixture, index);
      assert.equal(text, `${JSON.stringify({ data: { me: { id: user.id, email: user.email, name: user.name, role: 'CUSTOMER' } } })}\n`);
    }
  });

  it('counts a refused token (answered as anonymous) as an error', async () => {
    const { status, text } = await send('cart5', { tokens: ['not-a-token'] }, 0);
    assert.equal(isError('cart5', status, text), true, `${status} ${text}`);
    const anonymous = await send('cart5', { tokens: [] }, 0);
    assert.equal(isError('cart5', anonymous.status, anonymous.text), true, `${anonymous.status} ${anonymous.text}`);
  });
});
