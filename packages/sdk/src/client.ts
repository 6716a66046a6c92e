import { print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { getSdk, type Requester } from './generated.js';

export interface ShopClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql */
  url: string;
  /** An access token from register/login/refreshSession; omit for anonymous calls. */
  token?: string | null;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** A response with errors. `data` keeps whatever the gateway could resolve (partial results). */
export class ShopApiError extends Error {
  constructor(
    readonly errors: readonly GraphQLFormattedError[],
    readonly data: unknown,
    readonly status: number,
  ) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ') || `HTTP ${status}`);
    this.name = 'ShopApiError';
  }

  /** The first error's `extensions.code`, e.g. UNAUTHENTICATED, BAD_USER_INPUT. */
  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  }

  get codes(): string[] {
    return this.errors.map((e) => String(e.extensions?.code ?? 'ERROR'));
  }
}

export interface RawResult<T> {
  status: number;
  data: T | null;
  errors?: GraphQLFormattedError[];
}

const printedDocuments = new WeakMap<DocumentNode, string>();

function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) {
    text = print(document);
    printedDocuments.set(document, text);
  }
  return text;
}

/** A typed function per operation in schema/operations, plus `raw` for a response with its errors. */
export function createShopClient(options: ShopClientOptions) {
  let token = options.token ?? null;
  const doFetch = options.fetch ?? fetch;

  async function raw<T = Record<string, unknown>>(query: string, variables?: unknown): Promise<RawResult<T>> {
    const response = await doFetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLFormattedError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new ShopApiError([{ message: text.slice(0, 500) }], null, response.status);
    }
    return { status: response.status, data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) };
  }

  const requester: Requester = async <R, V>(document: DocumentNode, variables?: V): Promise<R> => {
    const result = await raw<R>(printed(document), variables);
    if (result.errors?.length || result.data === null) throw new ShopApiError(result.errors ?? [], result.data, result.status);
    return result.data;
  };

  return {
    ...getSdk(requester),
    raw,
    /** Switch the identity of later calls (null for anonymous). */
    setToken(next: string | null) {
      token = next;
    },
  };
}

export type ShopClient = ReturnType<typeof createShopClient>;
