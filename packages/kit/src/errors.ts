import { GraphQLError } from 'graphql';

/** Codes clients rely on (CONTRACT.md); anything else is masked as INTERNAL_SERVER_ERROR. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'OUT_OF_STOCK'
  | 'CART_EMPTY'
  | 'CONFLICT'
  | 'SERVICE_UNAVAILABLE'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX';

export const EXPECTED_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'OUT_OF_STOCK',
  'CART_EMPTY',
  'CONFLICT',
  'SERVICE_UNAVAILABLE',
  'TOO_MANY_SUBSCRIPTIONS',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
]);

/** An expected failure: shown to the client as is, with a stable `extensions.code`. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { ...details, code } });
    this.name = 'AppError';
  }
}

export const unauthenticated = (message = 'Sign in to do this') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('FORBIDDEN', message);
export const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `${what} ${id} was not found`, { id });
export const conflict = (message: string, details: Record<string, unknown> = {}) => new AppError('CONFLICT', message, details);

export interface FieldProblem {
  field: string;
  message: string;
}

export const badInput = (problems: FieldProblem[]) =>
  new AppError('BAD_USER_INPUT', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { fields: problems });
