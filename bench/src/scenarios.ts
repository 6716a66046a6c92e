// What each HTTP scenario sends: the operation, and per request a body and headers built from the seeded fixture, so
// no two concurrent requests are the same (each carries another user's token, or another search).

/** The 5-line (or 100-line) cart with live prices: cart → product → cart. */
export const CART_QUERY =
  'query BenchCart { me { cart { items { quantity product { name price { amountCents currency } } unitPrice { amountCents } ' +
  'lineTotal { amountCents } priceChanged } subtotal { amountCents formatted } } } }';

export const ME_QUERY = 'query BenchMe { me { id email name role } }';

export const PRODUCTS_QUERY =
  'query BenchProducts($search: String) { products(first: 20, search: $search) { edges { cursor node { id sku name ' +
  'price { amountCents currency formatted } stock inStock } } pageInfo { hasNextPage endCursor } totalCount } }';

export const HTTP_SCENARIOS = ['cart5', 'cart100', 'products', 'me'] as const;
export const ALL_SCENARIOS = [...HTTP_SCENARIOS, 'checkout', 'subscriptions', 'subscriptions-steady'] as const;
export type HttpScenario = (typeof HTTP_SCENARIOS)[number];
export type Scenario = (typeof ALL_SCENARIOS)[number];

/** The seeded inputs an HTTP scenario draws its requests from. */
export interface HttpFixture {
  /** Access tokens of the users this scenario signs in as, used in turn. */
  tokens: string[];
  /** Search terms, used in turn (products). */
  searches?: string[];
}

export interface BenchRequest {
  headers: Record<string, string>;
  body: string;
}

const OPERATIONS: Record<HttpScenario, string> = { cart5: CART_QUERY, cart100: CART_QUERY, products: PRODUCTS_QUERY, me: ME_QUERY };

/** The `index`-th request of a scenario: user (and search) `index` modulo how many there are. */
export function buildRequest(scenario: HttpScenario, fixture: HttpFixture, index: number): BenchRequest {
  const token = fixture.tokens[index % fixture.tokens.length];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const variables =
    scenario === 'products' && fixture.searches?.length ? { search: fixture.searches[index % fixture.searches.length] } : {};
  return { headers, body: JSON.stringify({ query: OPERATIONS[scenario], variables }) };
}

/** A response counts as an error when it is not 2xx or carries GraphQL `errors`. */
export function isGraphqlError(body: string): boolean {
  return body.includes('"errors"');
}

/**
 * Not 2xx, GraphQL `errors`, or a signed-in scenario answered as anonymous (`me: null`, e.g. an expired token): a fast
 * wrong answer must never count as a request served.
 */
export function isError(scenario: HttpScenario, status: number, body: string): boolean {
  return status < 200 || status >= 300 || isGraphqlError(body) || (scenario !== 'products' && body.includes('"me":null'));
}
