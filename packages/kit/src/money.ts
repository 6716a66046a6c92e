import 'reflect-metadata';
import { Directive, Field, Int, ObjectType } from 'type-graphql';

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

const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(amountCents: number, currency: string): string {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amountCents / 10 ** digits);
}

export function money(amountCents: number, currency: string): Money {
  return Object.assign(new Money(), { amountCents, currency, formatted: formatMoney(amountCents, currency) });
}
