import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { postGraphQL, waitFor } from '@shop/kit/testing';
import { publishEvent } from '@shop/messaging/testing';
import type { ShopClient } from '@shop/sdk';
import { ADMIN, codesOf, createProduct, systemForSuite, type System, type Tap } from './system.js';

interface Person {
  id: string;
  email: string;
  phone: string | null;
  client: ShopClient;
}

describe('SMS, notification preferences and price drops through the gateway', () => {
  const suite = systemForSuite();
  let system: System;
  let admin: ShopClient;
  let tap: Tap;
  before(() => {
    ({ system, admin, tap } = suite);
  });

  // A fresh number per person: the SMS files are told apart by it.
  const newPhone = () => `+4915${String(randomBytes(4).readUInt32BE()).padStart(10, '0').slice(0, 9)}`;
  async function register(name: string, phone: string | null): Promise<Person> {
    const email = `${name.toLowerCase()}.${randomBytes(3).toString('hex')}@example.com`;
    const { register } = await system
      .client()
      .Register({ input: { email, password: 'correct-horse-battery', name, ...(phone ? { phone } : {}) } });
    return { id: register.user.id, email, phone, client: system.client(register.accessToken) };
  }
  async function buy(person: Person, priceCents: number) {
    const product = await createProduct(admin, 5, priceCents);
    await person.client.AddToCart({ productId: product.id, quantity: 1 });
    const { checkout } = await person.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: randomUUID() } });
    await waitFor(
      async () => (await person.client.Order({ id: checkout.id })).order?.status === 'CONFIRMED',
      `order ${checkout.id} confirmed`,
    );
    return checkout.id;
  }
  const smsFiles = async () =>
    Promise.all(
      (await readdir(system.smsDir).catch(() => [] as string[]))
        .filter((f) => f.endsWith('.txt'))
        .map(async (f) => ({ name: f, content: await readFile(path.join(system.smsDir, f), 'utf8') })),
    );
  const textsTo = async (phone: string) => (await smsFiles()).filter((f) => f.content.includes(`To: ${phone}\n`));
  const mailsTo = (email: string, kind: string) => system.mails.filter((m) => m.to === email && m.kind === kind);

  it('a receipt by SMS for the user who opted in and has a phone; none for one who did not, nor for one without a phone', async () => {
    const ann = await register('Ann', newPhone());
    const bob = await register('Bob', newPhone());
    const cid = await register('Cid', null);
    assert.deepEqual((await ann.client.MyContact()).me, {
      id: ann.id,
      name: 'Ann',
      phone: ann.phone,
      notificationPreferences: { email: true, sms: false },
    });
    const opted = (await ann.client.UpdateNotificationPreferences({ sms: true })).updateNotificationPreferences;
    assert.deepEqual(opted.notificationPreferences, { email: true, sms: true });
    await cid.client.UpdateNotificationPreferences({ sms: true });
    // The worker learns preferences from events: let it have them before the orders it decides on.
    await system.quiet();

    const [annOrder, bobOrder, cidOrder] = [await buy(ann, 1999), await buy(bob, 2999), await buy(cid, 3999)];
    await waitFor(async () => (await textsTo(ann.phone!)).length > 0, "Ann's SMS receipt");
    await waitFor(() => mailsTo(cid.email, 'receipt').length > 0, "Cid's receipt mail");
    await system.quiet();

    const [text] = await textsTo(ann.phone!);
    assert.equal((await textsTo(ann.phone!)).length, 1);
    assert.match(text!.name, /-receipt-/);
    assert.match(text!.content, new RegExp(`your order ${annOrder.slice(0, 8)} is confirmed\\. Total \\$19\\.99`));
    assert.deepEqual(await textsTo(bob.phone!), []);
    // Ann's is the only SMS of this test: Bob did not opt in, Cid has no phone.
    assert.deepEqual(
      (await smsFiles()).filter((f) => [annOrder, bobOrder, cidOrder].some((id) => f.content.includes(id.slice(0, 8)))).length,
      1,
    );
    // E-mail stayed on for all three: each got one receipt mail.
    for (const person of [ann, bob, cid]) assert.equal(mailsTo(person.email, 'receipt').length, 1, person.email);
  });

  it('a user who turned e-mail off gets no order mails (the welcome mail came before any choice)', async () => {
    const dee = await register('Dee', null);
    await dee.client.UpdateNotificationPreferences({ email: false });
    await system.quiet();
    await buy(dee, 1500);
    await system.quiet();
    assert.equal(mailsTo(dee.email, 'welcome').length, 1);
    assert.deepEqual(mailsTo(dee.email, 'receipt'), []);
    assert.deepEqual((await dee.client.MyContact()).me!.notificationPreferences, { email: false, sms: false });
  });

  it('a price drop mails each user holding the product once; a rise mails nobody; a redelivered or repeated event mails once', async () => {
    const [eve, fay, gus] = [await register('Eve', null), await register('Fay', null), await register('Gus', null)];
    const lamp = await createProduct(admin, 10, 1000);
    const other = await createProduct(admin, 10, 1000);
    await eve.client.AddToCart({ productId: lamp.id, quantity: 1 });
    await fay.client.AddToCart({ productId: lamp.id, quantity: 2 });
    await gus.client.AddToCart({ productId: other.id, quantity: 1 });
    const drops = (email: string) => mailsTo(email, 'price_drop');

    await admin.UpdateProduct({ id: lamp.id, input: { priceCents: 800 } });
    await waitFor(() => drops(eve.email).length > 0 && drops(fay.email).length > 0, 'both price-drop mails');
    await system.quiet();
    for (const person of [eve, fay]) {
      assert.equal(drops(person.email).length, 1, person.email);
      assert.match(drops(person.email)[0]!.text, new RegExp(`${lamp.name} costs \\$8\\.00 now, down from \\$10\\.00`));
    }
    assert.deepEqual(drops(gus.email), []);

    // A rise, still below what the lines were added at: no drop.
    // By id: the redelivery below crosses the exchange (and the tap) once more.
    const droppedEvents = () => [...new Map(tap.events.filter((e) => e.type === 'cart.price_dropped').map((e) => [e.id, e])).values()];
    await admin.UpdateProduct({ id: lamp.id, input: { priceCents: 900 } });
    await system.quiet();
    await tap.flush();
    assert.equal(droppedEvents().length, 2);
    assert.equal(drops(eve.email).length, 1);

    // The drop's product.price_changed delivered again (same id): the cart's inbox drops it. Its cart.price_dropped
    // delivered again: the worker's inbox drops it. Down to 800 once more (a new event): the same (user, product,
    // new price), no second mail.
    const priceDrop = tap.events.find(
      (e) => e.type === 'product.price_changed' && e.data.productId === lamp.id && e.data.newPriceCents === 800,
    )!;
    const eveDrop = droppedEvents().find((e) => e.type === 'cart.price_dropped' && e.data.userId === eve.id)!;
    await publishEvent(tap.broker, 'product.price_changed', priceDrop.data as never, { id: priceDrop.id });
    await publishEvent(tap.broker, 'cart.price_dropped', eveDrop.data as never, { id: eveDrop.id });
    await admin.UpdateProduct({ id: lamp.id, input: { priceCents: 800 } });
    await system.quiet();
    await tap.flush();
    assert.equal(droppedEvents().length, 4, 'the cart announced the second drop to 800 to both carts');
    for (const person of [eve, fay]) assert.equal(drops(person.email).length, 1, person.email);

    // A new, lower price is news again.
    await admin.UpdateProduct({ id: lamp.id, input: { priceCents: 700 } });
    await waitFor(() => drops(eve.email).length === 2 && drops(fay.email).length === 2, 'the mails for 7.00');
    await system.quiet();
    for (const person of [eve, fay]) assert.equal(drops(person.email).length, 2, person.email);
    assert.deepEqual(drops(gus.email), []);
  });

  it('a bad phone is BAD_USER_INPUT and changes nothing; nobody changes or reads another user’s profile', async () => {
    const hal = await register('Hal', newPhone());
    const ivy = await register('Ivy', newPhone());
    const email = `nobody.${randomBytes(3).toString('hex')}@example.com`;
    for (const phone of ['12345', '+0123456789', '+49 151 1234567', '+1234567890123456', 'call me']) {
      assert.deepEqual(
        await codesOf(system.client().Register({ input: { email, password: 'correct-horse-battery', name: 'No One', phone } })),
        ['BAD_USER_INPUT'],
        phone,
      );
      assert.deepEqual(await codesOf(hal.client.UpdateProfile({ input: { name: 'Renamed', phone } })), ['BAD_USER_INPUT'], phone);
    }
    // Nothing was created or changed: the address is still free, Hal is as he was.
    await system.client().Register({ input: { email, password: 'correct-horse-battery', name: 'No One' } });
    assert.deepEqual((await hal.client.MyContact()).me, {
      id: hal.id,
      name: 'Hal',
      phone: hal.phone,
      notificationPreferences: { email: true, sms: false },
    });

    const newNumber = newPhone();
    const changed = (await hal.client.UpdateProfile({ input: { name: 'Hal Jordan', phone: newNumber } })).updateProfile;
    assert.deepEqual([changed.name, changed.phone], ['Hal Jordan', newNumber]);
    assert.equal((await hal.client.UpdateProfile({ input: { phone: null } })).updateProfile.phone, null);
    assert.equal((await hal.client.MyContact()).me!.name, 'Hal Jordan');
    // Ivy is untouched by all of Hal's changes: a profile change applies to the caller, and there is no id to name another.
    assert.deepEqual((await ivy.client.MyContact()).me, {
      id: ivy.id,
      name: 'Ivy',
      phone: ivy.phone,
      notificationPreferences: { email: true, sms: false },
    });
    assert.deepEqual(await codesOf(system.client().UpdateProfile({ input: { name: 'Anonymous' } })), ['UNAUTHENTICATED']);
    assert.deepEqual(await codesOf(system.client().UpdateNotificationPreferences({ sms: true })), ['UNAUTHENTICATED']);

    // Reaching Ivy as an entity, as the gateway would for any field that returns a User, with Hal's token: her phone and
    // preferences are refused; an admin may read them.
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id phone notificationPreferences { sms } } } }';
    const variables = { r: [{ __typename: 'User', id: ivy.id }] };
    const halToken = (await system.client().Login({ email: hal.email, password: 'correct-horse-battery' })).login.accessToken;
    const asHal = await postGraphQL<{ errors?: Array<{ extensions: { code: string } }> }>(
      system.services.user.server.url,
      query,
      variables,
      halToken,
    );
    assert.deepEqual([...new Set(asHal.errors?.map((e) => e.extensions.code))], ['FORBIDDEN']);
    const adminToken = (await system.client().Login(ADMIN)).login.accessToken;
    const asAdmin = await postGraphQL<{ data: { _entities: Array<{ phone: string }> }; errors?: unknown[] }>(
      system.services.user.server.url,
      query,
      variables,
      adminToken,
    );
    assert.equal(asAdmin.errors, undefined);
    assert.equal(asAdmin.data._entities[0]!.phone, ivy.phone);
  });
});
