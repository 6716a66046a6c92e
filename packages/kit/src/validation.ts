import type { z } from 'zod';
import { badInput } from './errors.js';

/** Validates client input with a zod schema; failures become one BAD_USER_INPUT naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw badInput(result.error.issues.map((i) => ({ field: i.path.join('.') || 'input', message: i.message })));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else can name nothing, so callers answer "not found" without asking Postgres (which would error). */
export const isUuid = (value: string): boolean => UUID.test(value);
