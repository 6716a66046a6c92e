import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { ADMIN, paymentGate, startSystem, type System } from '@shop/gateway/testing';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startStorefrontServer } from '../src/server/static-server.js';

const ROOT = path.resolve(__dirname, '../../..');
const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// What STACK.md found to run Debian's chromium as root on these machines, without it phoning home.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
// Generous for a loaded two-core machine; every wait still ends as soon as the condition holds.
const WAIT = { timeout: 20_000 };

/** Resolves once the locator shows; Playwright re-checks until then (no fixed sleeps anywhere). */
const shows = (locator: Locator) => locator.waitFor({ state: 'visible', ...WAIT });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden', ...WAIT });
/** For what a locator cannot wait on (an input's value): checks every 100 ms until it holds, or fails after WAIT. */
async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + WAIT.timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const audits: Array<{ page: string; serious: number; all: number; passed: number }> = [];
/** axe-core on what is on screen now: no serious or critical violation. */
async function audit(page: Page, name: string) {
  const { violations, passes } = await new AxeBuilder({ page }).analyze();
  assert.ok(passes.length > 10, `axe ran on ${name}`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  audits.push({ page: name, serious: serious.length, all: violations.length, passed: passes.length });
  assert.deepEqual(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `accessibility of ${name}`,
  );
}

/** Desktop and phone screenshots; at the phone's width the page must fit (no sideways scrolling) and pass axe too. */
async function screenshot(page: Page, name: string) {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true });
    if (size === 'phone') {
      const overflow = await page.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as {
          document: { documentElement: { scrollWidth: number } };
          innerWidth: number;
        };
        return document.documentElement.scrollWidth - innerWidth;
      });
      assert.ok(overflow <= 0, `${name} is ${overflow}px wider than a phone`);
      await audit(page, `${name} (phone)`);
    }
  }
  await page.setViewportSize(DESKTOP);
}

describe('storefront in a browser against the whole system', () => {
  let system: System;
  let storefront: Awaited<ReturnType<typeof startStorefrontServer>>;
  let browser: Browser;
  let shopper: BrowserContext;
  let page: Page;
  let adminPage: Page;
  const gate = paymentGate();
  // Every run has fresh databases, so fixed names cannot collide; the seeded catalogue has no "Atelier", so the search
  // finds exactly these four, and the screenshots stay the same from run to run but for times and ids.
  const tag = 'Atelier';
  const names = { lamp: `${tag} Desk Lamp`, mug: `${tag} Coffee Mug`, print: `${tag} Rare Print`, vase: `${tag} Sold-out Vase` };
  const products: Record<keyof typeof names, string> = { lamp: '', mug: '', print: '', vase: '' };
  const customer = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery' };
  const orders: string[] = [];
  let loads = 0;
  let firstSession: { accessToken: string; expiresAt: number };
  // The test's own code is typed for Node: the page's storage is reached through globalThis, inside the page.
  const storedSession = () => {
    const { localStorage } = globalThis as unknown as { localStorage: { getItem(key: string): string | null } };
    return JSON.parse(localStorage.getItem('shop.session') ?? 'null') as { accessToken: string; expiresAt: number } | null;
  };

  const article = (name: string) => page.getByRole('article').filter({ has: page.getByRole('heading', { name }) });
  const line = (name: string) => page.getByRole('listitem').filter({ has: page.getByRole('link', { name }) });
  const status = () => page.getByRole('status');

  before(async () => {
    let gatewayUrl = 'http://localhost:4000/graphql';
    storefront = await startStorefrontServer({
      root: path.join(__dirname, '../public'),
      port: 0,
      host: '127.0.0.1',
      config: () => ({ gatewayUrl, gatewayWsUrl: gatewayUrl.replace(/^http/, 'ws') }),
    });
    // The gateway admits the storefront's origin (and, by default, no other): the browser enforces CORS for real.
    system = await startSystem({
      // Tokens as short-lived as the user service allows: the storefront must renew them while the test runs.
      userEnv: { ACCESS_TOKEN_TTL_SECONDS: '30' },
      paymentProvider: gate.wrap,
      gatewayEnv: { CORS_ORIGINS: storefront.url, SUBSCRIPTION_RESYNC_MS: '60000' },
    });
    gatewayUrl = system.url;
    const admin = await system.signInAdmin();
    const create = async (key: keyof typeof names, priceCents: number, stock: number) => {
      const input = { sku: `SKU-${tag}-${key}`, name: names[key], description: `A ${key} for the storefront test`, priceCents, stock };
      products[key] = (await admin.CreateProduct({ input })).createProduct.id;
    };
    await create('lamp', 1200, 10);
    await create('mug', 800, 10);
    await create('print', 2500, 1);
    await create('vase', 3000, 0);
    await mkdir(SCREENSHOTS, { recursive: true });
    // launch() gives the browser a fresh temporary profile of its own, removed when it closes.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    shopper = await browser.newContext({ viewport: DESKTOP, baseURL: storefront.url });
    page = await shopper.newPage();
    page.on('load', () => (loads += 1));
  });
  after(async () => {
    gate.open();
    if (audits.length)
      console.log(
        `axe: ${audits.map((a) => `${a.page}: ${a.serious} serious/critical, ${a.all} in all, ${a.passed} rules passed`).join('; ')}`,
      );
    await browser?.close();
    await system?.close();
    await storefront?.close();
  });

  it('registers a new customer, whose name then shows in the header', async () => {
    await page.goto('/register');
    await audit(page, '/register');
    await page.getByLabel('Name').fill(customer.name);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(customer.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await shows(page.getByRole('banner').getByText(customer.name));
    await shows(page.getByRole('button', { name: 'Sign out' }));
    await shows(page.getByRole('link', { name: 'Orders' }));
    assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0, 'a customer sees no Admin link');
    firstSession = (await page.evaluate(storedSession))!;
    assert.ok(firstSession.expiresAt - Date.now() <= 30_000);
  });

  it('searches the catalogue and adds two products; a sold-out one says so', async () => {
    await page.getByLabel('Search').fill(tag);
    await page.getByLabel('Search').press('Enter');
    await shows(article(names.lamp));
    assert.equal(await page.getByRole('article').count(), 4, 'only the four products of this test match');
    await shows(article(names.lamp).getByText('$12.00'));
    await shows(article(names.vase).getByText('Out of stock'));
    assert.equal(await article(names.vase).getByRole('button', { name: 'Add to cart' }).isDisabled(), true);
    await audit(page, '/ (search results)');
    await article(names.lamp).getByRole('button', { name: 'Add to cart' }).click();
    await shows(article(names.lamp).getByText(`Added ${names.lamp} to your cart.`));
    await article(names.mug).getByRole('button', { name: 'Add to cart' }).click();
    await shows(article(names.mug).getByText(`Added ${names.mug} to your cart.`));
    await shows(page.getByRole('link', { name: 'Cart (2)' }));
    assert.equal(await page.getByRole('button', { name: 'Next page' }).count(), 0, 'four products fit one page');
    await screenshot(page, 'catalogue');

    await article(names.print).getByRole('link', { name: names.print }).click();
    await shows(page.getByRole('heading', { level: 1, name: names.print }));
    await shows(page.getByText('1 in stock'));
    await audit(page, '/products/<id>');
  });

  it('shows the new price and "Price changed" after an admin changes a price in another browser', async () => {
    const adminContext = await browser.newContext({ viewport: DESKTOP, baseURL: storefront.url });
    adminPage = await adminContext.newPage();
    await adminPage.goto('/login');
    await audit(adminPage, '/login');
    await adminPage.getByLabel('Email').fill(ADMIN.email);
    await adminPage.getByLabel('Password').fill(ADMIN.password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.getByRole('link', { name: 'Admin' }).click();
    const row = adminPage.getByRole('row').filter({ has: adminPage.getByRole('rowheader', { name: names.lamp }) });
    await shows(row);
    await audit(adminPage, '/admin');
    assert.equal(await row.getByLabel('Price').inputValue(), '12.00');
    await row.getByLabel('Price').fill('15.50');
    await row.getByRole('button', { name: 'Save' }).click();
    await shows(adminPage.getByRole('status').getByText(`Saved ${names.lamp}.`));

    await page.getByRole('link', { name: /^Cart/ }).click();
    await shows(line(names.lamp).getByText('Price changed'));
    await shows(line(names.lamp).getByText(/it was \$12\.00 when you added it, now \$15\.50/));
    assert.equal(await line(names.mug).getByText('Price changed').count(), 0, 'the mug kept its price');
    await shows(page.getByRole('main').getByText('$23.50', { exact: true }));
    await line(names.mug).getByLabel('Quantity').fill('2');
    await line(names.mug).getByLabel('Quantity').press('Enter');
    await shows(line(names.mug).getByText('$16.00'));
    await shows(page.getByRole('main').getByText('$31.50', { exact: true }));
    await audit(page, '/cart');
    await screenshot(page, 'cart');
  });

  it('says how many are left when the cart asks for more than the stock', async () => {
    await page.getByRole('link', { name: 'Shop' }).click();
    await page.getByLabel('Search').fill(names.print);
    await page.getByLabel('Search').press('Enter');
    await article(names.print).getByRole('button', { name: 'Add to cart' }).click();
    await shows(page.getByRole('link', { name: 'Cart (4)' }));
    await page.getByRole('link', { name: /^Cart/ }).click();
    await line(names.print).getByLabel('Quantity').fill('3');
    await line(names.print).getByLabel('Quantity').press('Enter');
    const alert = line(names.print).getByRole('alert');
    await shows(alert);
    assert.equal(await alert.textContent(), `Not enough stock: only 1 unit of ${names.print} left.`);
    await line(names.print).getByRole('button', { name: 'Remove' }).click();
    await gone(line(names.print));
  });

  it('places an order with the approved card and watches it reach Confirmed without a reload', async () => {
    await page.getByLabel('Payment').selectOption({ label: 'Test card (approved)' });
    const before = loads;
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[^/]+$/, WAIT);
    orders.push(decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!));
    // The payment provider holds the charge: the order is visibly pending, and can still be cancelled.
    await shows(status().getByText('Pending', { exact: true }));
    await shows(page.getByRole('button', { name: 'Cancel order' }));
    await audit(page, '/orders/<id> (pending)');
    gate.open();
    await shows(status().getByText('Confirmed', { exact: true }));
    await gone(page.getByRole('button', { name: 'Cancel order' }));
    assert.equal(loads, before, 'the page was never reloaded');
    await shows(page.getByRole('listitem').getByText(`1 × ${names.lamp} at $15.50`));
    await shows(page.getByRole('main').getByText('$31.50', { exact: true }));
    await audit(page, '/orders/<id> (confirmed)');
    await screenshot(page, 'order');
    await page.getByRole('link', { name: /^Cart/ }).click();
    await shows(page.getByText('Your cart is empty'));
    await audit(page, '/cart (empty)');
  });

  it('shows a declined card as Payment failed, with an alert saying so', async () => {
    await page.goto(`/products/${products.mug}`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await shows(page.getByText(`Added ${names.mug} to your cart.`));
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByLabel('Payment').selectOption({ label: 'Test card (declined)' });
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[^/]+$/, WAIT);
    orders.push(decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!));
    await shows(status().getByText('Payment failed', { exact: true }));
    await shows(page.getByRole('alert').getByText(/Your card was declined/));
    await audit(page, '/orders/<id> (payment failed)');
  });

  it('cancels an order while it is pending', async () => {
    gate.close();
    await page.goto(`/products/${products.lamp}`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await shows(page.getByText(`Added ${names.lamp} to your cart.`));
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByLabel('Payment').selectOption({ label: 'Test card (approved)' });
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[^/]+$/, WAIT);
    orders.push(decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!));
    await shows(status().getByText('Pending', { exact: true }));
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await shows(status().getByText('Cancelled', { exact: true }));
    await gone(page.getByRole('button', { name: 'Cancel order' }));
    gate.open();
  });

  it('lists the orders newest first, each with its status in words', async () => {
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await shows(page.getByRole('heading', { name: 'Your orders' }));
    const items = page.getByRole('main').getByRole('listitem');
    await shows(items.nth(2));
    assert.equal(await items.count(), 3);
    const seen = [];
    for (const [index, id] of [...orders].reverse().entries()) {
      const item = items.nth(index);
      assert.equal(await item.getByRole('link').getAttribute('href'), `/orders/${id}`);
      seen.push((await item.textContent())?.match(/(Confirmed|Payment failed|Cancelled|Pending|Paid)$/)?.[1]);
    }
    assert.deepEqual(seen, ['Cancelled', 'Payment failed', 'Confirmed']);
    await audit(page, '/orders');
    await items.nth(2).getByRole('link').click();
    await shows(status().getByText('Confirmed', { exact: true }));
  });

  it('stays signed in past the first access token’s lifetime: the page renewed it with refreshSession', async () => {
    await page.waitForFunction(
      (first) => {
        const { localStorage } = globalThis as unknown as { localStorage: { getItem(key: string): string | null } };
        const now = JSON.parse(localStorage.getItem('shop.session') ?? 'null') as { accessToken: string } | null;
        return now !== null && now.accessToken !== first.accessToken && Date.now() > first.expiresAt;
      },
      firstSession,
      { timeout: 60_000, polling: 500 },
    );
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await shows(page.getByRole('heading', { name: 'Your orders' }));
    await shows(page.getByRole('main').getByRole('listitem').nth(2));
    assert.equal(await page.getByRole('alert').count(), 0);
  });

  it('a seller, made one while signed in, creates a product, changes its price and sees it sold', async () => {
    const admin = await system.signInAdmin();
    const grace = await system.signUp('Grace Hopper');
    const sellerPage = await (await browser.newContext({ viewport: DESKTOP, baseURL: storefront.url })).newPage();
    await sellerPage.goto('/login');
    await sellerPage.getByLabel('Email').fill(grace.email);
    await sellerPage.getByLabel('Password').fill(grace.password);
    await sellerPage.getByRole('button', { name: 'Sign in' }).click();
    await shows(sellerPage.getByRole('banner').getByText('Grace Hopper'));
    assert.equal(await sellerPage.getByRole('link', { name: 'Sell' }).count(), 0, 'a customer sees no Sell link');
    await sellerPage.goto('/sell');
    await shows(sellerPage.getByRole('alert').getByText('Only a seller can sell here.', { exact: false }));

    // Granted while she is signed in: her token says CUSTOMER until the page refreshes it, which it does on its own.
    await admin.GrantSellerRole({ userId: grace.user.id });
    await sellerPage.reload();
    await shows(sellerPage.getByRole('heading', { name: 'New product' }));
    await shows(sellerPage.getByRole('link', { name: 'Sell' }));
    await shows(sellerPage.getByText('You have no products on sale yet.'));
    await shows(sellerPage.getByText('No sales yet.'));
    await audit(sellerPage, '/sell (empty)');

    const teapot = 'Hopper Teapot';
    await sellerPage.getByLabel('SKU').fill('HOPPER-TEAPOT');
    await sellerPage.getByLabel('Name').fill(teapot);
    await sellerPage.getByLabel('Price').fill('20.00');
    await sellerPage.getByLabel('Stock').fill('3');
    await sellerPage.getByRole('button', { name: 'Create product' }).click();
    await shows(sellerPage.getByRole('status').getByText(`Created ${teapot}.`));
    const row = sellerPage.getByRole('row').filter({ has: sellerPage.getByRole('rowheader', { name: teapot }) });
    await shows(row);
    assert.equal(await row.getByLabel('Price').inputValue(), '20.00');
    await row.getByLabel('Price').fill('18.00');
    await row.getByRole('button', { name: 'Save' }).click();
    await shows(sellerPage.getByRole('status').getByText(`Saved ${teapot}.`));
    // Only her own products are listed: none of the shop's.
    assert.equal(await sellerPage.getByRole('rowheader', { name: names.lamp }).count(), 0);

    // A buyer buys two at the new price; the sale shows on her page (it reads its sales again every few seconds).
    const { products: mine } = await admin.Products({ search: 'HOPPER-TEAPOT' });
    const buyer = await system.signUp('Teapot Buyer');
    await buyer.client.AddToCart({ productId: mine.edges[0]!.node.id, quantity: 2 });
    gate.open();
    await buyer.client.Checkout({ input: { paymentToken: 'tok_visa', idempotencyKey: `teapot-${Date.now()}` } });
    const sale = sellerPage
      .getByRole('list', { name: 'Sales' })
      .getByRole('listitem')
      .filter({ hasText: `2 × ${teapot}, $36.00` });
    await shows(sale);
    // The sale took two of the three off the shelf, and the row says so.
    await until(async () => (await row.getByLabel('Stock').inputValue()) === '1', 'the stock after the sale');
    await audit(sellerPage, '/sell (a sale)');
    await screenshot(sellerPage, 'sell');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await shows(page.getByRole('link', { name: 'Sign in' }));
    assert.equal(await page.getByRole('link', { name: /^Cart/ }).count(), 0);
    await audit(page, '/ (signed out)');
  });
});
