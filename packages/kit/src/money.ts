import 'reflect-metadata';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { AppError } from './errors.js';

/** Integer minor units plus ISO 4217 currency; identical in every subgraph, hence shareable. */
@Directive('@shareable')
@ObjectType({ description: 'An amount of money in integer minor units (cents).' })
export class Money {
  @Field(() => Int)
  amountCents!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { description: 'Human-readable, e.g. "$12.34".' })
  formatted!: string;
}

// One formatter per currency, with its number of minor digits: `resolvedOptions()` costs several times a `format()`.
const formatters = new Map<string, { format: Intl.NumberFormat; divisor: number }>();

export function formatMoney(amountCents: number, currency: string): string {
  let formatter = formatters.get(currency);
  // Stryker disable next-line ConditionalExpression: equivalent, the cache only saves building a formatter; a new one formats the same
  if (!formatter) {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatter = { format, divisor: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
    formatters.set(currency, formatter);
  }
  return formatter.format.format(amountCents / formatter.divisor);
}

export function money(amountCents: number, currency: string): Money {
  return Object.assign(new Money(), { amountCents, currency, formatted: formatMoney(amountCents, currency) });
}

/** GraphQL's Int is a signed 32-bit integer: no amount the API returns may be larger. */
export const MAX_MONEY_CENTS = 2_147_483_647;

/** Default for CART_MAX_TOTAL_CENTS, the largest cart (and so order) total: $1,000,000.00. */
export const DEFAULT_MAX_TOTAL_CENTS = 100_000_000;

/** The refusal for an amount above `maxCents`, said in the currency's own format. */
export const amountTooLarge = (what: string, maxCents: number, currency: string) =>
  new AppError(
    'BAD_USER_INPUT',
    `${what} would exceed the maximum of ${formatMoney(maxCents, currency)}; lower a quantity or remove a line`,
    {
      maxCents,
    },
  );
