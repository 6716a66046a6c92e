import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

interface ApiError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** The GraphQL errors inside whatever Apollo Client raised, including those of a refused request (HTTP 429, 400). */
function apiErrors(error: unknown): ApiError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors as ApiError[];
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: ApiError[] };
      if (body.errors?.length) return body.errors;
    } catch {
      // not a GraphQL body
    }
    return [{ message: error.message, extensions: { code: error.statusCode === 429 ? 'RATE_LIMITED' : `HTTP_${error.statusCode}` } }];
  }
  return [];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What a person is told: every code the API documents has its own sentence; `context` names the product when the API does not. */
export function describeError(error: unknown, context: { productName?: string } = {}): string {
  const errors = apiErrors(error);
  if (errors.length === 0) {
    if (error instanceof TypeError || (error instanceof Error && /fetch|network/i.test(error.message))) {
      return 'The shop cannot be reached right now. Check your connection and try again.';
    }
    return 'Something went wrong. Please try again.';
  }
  return [...new Set(errors.map((e) => describeOne(e, context)))].join(' ');
}

function describeOne({ message, extensions = {} }: ApiError, context: { productName?: string }): string {
  switch (extensions.code) {
    case 'OUT_OF_STOCK': {
      const name = (extensions.productName as string | undefined) ?? context.productName;
      const available = extensions.available as number | undefined;
      if (name && available !== undefined) {
        return available === 0
          ? `${name} is out of stock.`
          : `Not enough stock: only ${plural(available, 'unit', 'units')} of ${name} left.`;
      }
      return message;
    }
    case 'RATE_LIMITED': {
      const seconds = Number(extensions.retryAfterSeconds);
      return Number.isFinite(seconds) && seconds > 0
        ? `Too many requests. Please try again in ${plural(Math.ceil(seconds), 'second', 'seconds')}.`
        : 'Too many requests. Please wait a moment and try again.';
    }
    case 'UNAUTHENTICATED':
      return /password|credential|e-?mail/i.test(message) ? 'The email or password is not right.' : 'Please sign in (again) to continue.';
    case 'FORBIDDEN':
      return 'Your account is not allowed to do that.';
    case 'BAD_USER_INPUT':
      return `Please check what you entered: ${message}`;
    case 'NOT_FOUND':
      return 'That could not be found. It may have been removed.';
    case 'CART_EMPTY':
      return 'Your cart is empty: add something before placing an order.';
    case 'CONFLICT':
      return message;
    case 'QUERY_TOO_COMPLEX':
      return 'That request is too large for the shop. Please try a smaller page.';
    case 'SERVICE_UNAVAILABLE':
      return 'Part of the shop is unavailable right now. Please try again in a moment.';
    default:
      return message || 'Something went wrong. Please try again.';
  }
}
