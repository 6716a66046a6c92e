import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { VerifiedCache } from './verified-cache.js';

/** The header that carries an internal credential on every request to a subgraph. */
export const INTERNAL_CREDENTIAL_HEADER = 'x-shop-internal';

/** Everything behind the gateway accepts a gateway credential with this audience. */
export const GATEWAY_AUDIENCE = 'shop-subgraphs';
/** A service credential names the one service it is for. */
export const serviceAudience = (callee: string) => `shop-service:${callee}`;

const ALGORITHM = 'HS256';
const GATEWAY_ISSUER = 'gateway';
const TTL_SECONDS = 120;

/**
 * Who sent a request to a subgraph. `gateway`: a client's request the gateway passed on (the user, if any, comes
 * from the user token beside it). `service`: one of our services calling for itself, acting as role SERVICE.
 */
export type InternalCaller = { kind: 'gateway' } | { kind: 'service'; service: string };

export interface InternalKeys {
  /** Held by the gateway and the subgraphs: proves "this came through the gateway", and grants nothing more. */
  GATEWAY_TOKEN_SECRET: string;
  /** Held by the services that call each other (never by the gateway): makes the caller a SERVICE. */
  SERVICE_TOKEN_SECRET?: string;
}

const encode = (secret: string) => new TextEncoder().encode(secret);

/** Mints (and re-uses until near expiry) the short-lived credential a process presents to a callee. */
class CredentialCache {
  private readonly cache = new Map<string, { token: Promise<string>; renewAt: number }>();

  constructor(private readonly mint: (audience: string) => Promise<string>) {}

  get(audience: string): Promise<string> {
    const hit = this.cache.get(audience);
    if (hit && Date.now() < hit.renewAt) return hit.token;
    const token = this.mint(audience);
    this.cache.set(audience, { token, renewAt: Date.now() + (TTL_SECONDS * 1000) / 2 });
    return token;
  }
}

const sign = (secret: Uint8Array, issuer: string, audience: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + TTL_SECONDS)
    .sign(secret);

/** The gateway's credential for the subgraphs. */
export class GatewayCredentials {
  private readonly cache: CredentialCache;

  constructor(secret: string) {
    const key = encode(secret);
    this.cache = new CredentialCache((audience) => sign(key, GATEWAY_ISSUER, audience));
  }

  get(): Promise<string> {
    return this.cache.get(GATEWAY_AUDIENCE);
  }
}

/** A service's credential for the services it calls: issued as itself, for one callee each. */
export class ServiceCredentials {
  private readonly cache: CredentialCache;

  constructor(
    secret: string,
    readonly service: string,
  ) {
    if (service === GATEWAY_ISSUER) throw new Error('"gateway" is not a service name');
    const key = encode(secret);
    this.cache = new CredentialCache((audience) => sign(key, service, audience));
  }

  for(callee: string): Promise<string> {
    return this.cache.get(serviceAudience(callee));
  }
}

/** Checks the internal credential on a request to the subgraph `self`. Anything else is refused before GraphQL runs. */
export class InternalTrust {
  private readonly gatewayKey: Uint8Array;
  private readonly serviceKey?: Uint8Array;
  // Credentials are re-used for a minute by whoever minted them: most requests present one already verified.
  private readonly verified = new VerifiedCache<InternalCaller>(1000);

  constructor(
    private readonly self: string,
    keys: InternalKeys,
  ) {
    this.gatewayKey = encode(keys.GATEWAY_TOKEN_SECRET);
    if (keys.SERVICE_TOKEN_SECRET) this.serviceKey = encode(keys.SERVICE_TOKEN_SECRET);
  }

  async verify(credential: string | string[] | undefined): Promise<InternalCaller | null> {
    if (typeof credential !== 'string' || credential.length > 2048) return null;
    const known = this.verified.get(credential);
    if (known) return known;
    const caller = await this.check(credential);
    if (caller) this.verified.set(credential, caller.caller, caller.expiresAt);
    return caller?.caller ?? null;
  }

  private async check(credential: string): Promise<{ caller: InternalCaller; expiresAt: number | undefined } | null> {
    try {
      const { payload } = await jwtVerify(credential, this.gatewayKey, {
        algorithms: [ALGORITHM],
        issuer: GATEWAY_ISSUER,
        audience: GATEWAY_AUDIENCE,
        requiredClaims: ['exp', 'iat'],
      });
      return { caller: { kind: 'gateway' }, expiresAt: payload.exp };
    } catch (error) {
      if (!(error instanceof joseErrors.JOSEError)) throw error;
    }
    if (!this.serviceKey) return null;
    try {
      const { payload } = await jwtVerify(credential, this.serviceKey, {
        algorithms: [ALGORITHM],
        audience: serviceAudience(this.self),
        requiredClaims: ['iss', 'exp', 'iat'],
      });
      return payload.iss && payload.iss !== GATEWAY_ISSUER
        ? { caller: { kind: 'service', service: payload.iss }, expiresAt: payload.exp }
        : null;
    } catch (error) {
      // Stryker disable next-line ConditionalExpression: jose throws only JOSEErrors here (the key is never empty); the rethrow guards against a bug
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }
}
