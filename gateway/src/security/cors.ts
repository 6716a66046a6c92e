import type { IncomingMessage, ServerResponse } from 'node:http';
import vary from 'vary';

/** CORS_ORIGINS: comma-separated origins (scheme://host[:port]) whose pages may call the API from a browser. */
export function parseOrigins(value: string): Set<string> {
  const origins = new Set<string>();
  for (const part of value.split(',')) {
    const text = part.trim();
    if (!text) continue;
    const url = new URL(text);
    if (url.origin !== text.replace(/\/$/, '')) throw new Error(`"${text}" is not an origin (scheme://host[:port], nothing after it)`);
    origins.add(url.origin);
  }
  return origins;
}

/**
 * Answers browsers for the listed origins only; any other page gets no CORS headers, so its browser withholds the answer.
 * Credentials are bearer tokens, never cookies, so no Allow-Credentials. Returns true when it answered the request
 * itself (a preflight); otherwise the request goes on with the headers set.
 */
export function corsHandler(origins: ReadonlySet<string>, exposedHeaders: string[]) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const origin = req.headers.origin;
    vary(res, 'Origin');
    const allowed = origin !== undefined && origins.has(origin);
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', exposedHeaders.join(', '));
    }
    if (req.method !== 'OPTIONS') return false;
    if (allowed) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name');
      res.setHeader('access-control-max-age', '600');
    }
    res.statusCode = allowed ? 204 : 403;
    res.end();
    return true;
  };
}
