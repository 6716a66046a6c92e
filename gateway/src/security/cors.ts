import type { RequestHandler } from 'express';

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
 * Credentials are bearer tokens, never cookies, so no Allow-Credentials.
 */
export function corsMiddleware(origins: ReadonlySet<string>, exposedHeaders: string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    const allowed = origin !== undefined && origins.has(origin);
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', exposedHeaders.join(', '));
    }
    if (req.method !== 'OPTIONS') return next();
    if (allowed) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name');
      res.setHeader('access-control-max-age', '600');
    }
    res.status(allowed ? 204 : 403).end();
  };
}
