import { createHash, createPublicKey, generateKeyPairSync, type JsonWebKey as NodeJwk } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { unauthenticated, forbidden } from './errors.js';
import { VerifiedCache } from './verified-cache.js';

/** SERVICE is for calls between our own services: only an internal credential makes one, never a user token. */
export type Role = 'CUSTOMER' | 'SELLER' | 'ADMIN' | 'SERVICE';
export type UserRole = Exclude<Role, 'SERVICE'>;
/** The roles a user token may carry. */
export const USER_ROLES: readonly UserRole[] = ['CUSTOMER', 'SELLER', 'ADMIN'];

export interface Caller {
  userId: string;
  role: Role;
  /** The sign-in (session) an access token belongs to. */
  sessionId?: string;
  /** When the access token stops working, in epoch seconds. */
  expiresAt?: number;
}

export interface UserTokenClaims {
  userId: string;
  role: UserRole;
  sessionId: string;
}

export interface TokenAudience {
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

// User access tokens: Ed25519 only. Pinned on the verifying side, so `alg: none`, HS256 or RS256 never verify.
const USER_TOKEN_ALGORITHM = 'EdDSA';

/** A new Ed25519 signing key as a private JWK (with `kid`, its RFC 7638 thumbprint), for `USER_SIGNING_KEY`. */
export function generateSigningKey(): JWK {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { ...jwk, alg: USER_TOKEN_ALGORITHM, use: 'sig', kid: okpThumbprint(jwk) };
}

/** The RFC 7638 thumbprint of an Ed25519 (OKP) key: its default `kid`. */
function okpThumbprint(jwk: JWK): string {
  return createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }))
    .digest('base64url');
}

/** The public half of a private JWK: what may be published. */
export function publicJwk(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  const exported = createPublicKey({ key: rest as NodeJwk, format: 'jwk' }).export({ format: 'jwk' }) as JWK;
  return { ...exported, alg: jwk.alg ?? USER_TOKEN_ALGORITHM, use: 'sig', ...(jwk.kid ? { kid: jwk.kid } : {}) };
}

/** Parses a JWK given as JSON text; throws a message naming the variable. */
export function parseJwk(text: string, name: string): JWK {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not JSON (expected a JWK)`);
  }
  if (!jwk || typeof jwk !== 'object' || (jwk as JWK).kty !== 'OKP' || (jwk as JWK).crv !== 'Ed25519') {
    throw new Error(`${name} must be an Ed25519 JWK ({"kty":"OKP","crv":"Ed25519",...})`);
  }
  return jwk as JWK;
}

/**
 * Signs user access tokens. Only the user service has one: it holds the private key; every other service
 * verifies with the published public keys (JWKS), so nothing else can make a token, least of all an ADMIN one.
 */
export class UserTokenIssuer {
  private constructor(
    private readonly key: CryptoKey,
    readonly kid: string,
    /** Public keys served at /.well-known/jwks.json: the current one first, then those still accepted after a rotation. */
    readonly jwks: JSONWebKeySet,
    private readonly audience: TokenAudience,
  ) {}

  static async create(signingKey: JWK, previousPublicKeys: JWK[], audience: TokenAudience): Promise<UserTokenIssuer> {
    if (!signingKey.d) throw new Error('USER_SIGNING_KEY must be a private key (it has no "d")');
    const kid = signingKey.kid ?? okpThumbprint(signingKey);
    const current = publicJwk({ ...signingKey, kid });
    const previous = previousPublicKeys.filter((k) => k.kid && k.kid !== kid).map((k) => publicJwk(k));
    const key = (await importJWK({ ...signingKey, kid, alg: USER_TOKEN_ALGORITHM }, USER_TOKEN_ALGORITHM)) as CryptoKey;
    return new UserTokenIssuer(key, kid, { keys: [current, ...previous] }, audience);
  }

  async issue(claims: UserTokenClaims, ttlSeconds: number): Promise<string> {
    return new SignJWT({ role: claims.role, sid: claims.sessionId })
      .setProtectedHeader({ alg: USER_TOKEN_ALGORITHM, typ: 'JWT', kid: this.kid })
      .setSubject(claims.userId)
      .setIssuer(this.audience.JWT_ISSUER)
      .setAudience(this.audience.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.key);
  }

  /** A verifier that reads this issuer's keys directly (the user service checks its own tokens without HTTP). */
  verifier(): UserTokenVerifier {
    return new UserTokenVerifier(createLocalJWKSet(this.jwks), this.audience);
  }
}

export interface UserKeySource {
  /** Published keys (JWKS JSON) given directly, e.g. from a secret store; wins over the URL. */
  USER_JWKS?: string | undefined;
  /** Where the user service serves its JWKS. Fetched when needed, cached, and fetched again for an unknown `kid`. */
  USER_JWKS_URL: string;
}

/** Verifies user access tokens with the user service's public keys. A SERVICE role is never accepted from one. */
export class UserTokenVerifier {
  // A user's token is presented on each of their requests (and to each subgraph of one): verified once per process.
  private readonly verified = new VerifiedCache<Caller>();

  constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly audience: TokenAudience,
  ) {}

  /** `refetchAfterMs`: how soon after one fetch an unknown kid may fetch the keys again. */
  static fromEnv(env: UserKeySource & TokenAudience, refetchAfterMs = 30_000): UserTokenVerifier {
    if (env.USER_JWKS) return new UserTokenVerifier(createLocalJWKSet(JSON.parse(env.USER_JWKS) as JSONWebKeySet), env);
    // A rotated-in key shows up as an unknown kid and is fetched then (at most every `refetchAfterMs`); keys are
    // otherwise cached for 10 minutes.
    return new UserTokenVerifier(
      createRemoteJWKSet(new URL(env.USER_JWKS_URL), { cooldownDuration: refetchAfterMs, cacheMaxAge: 600_000, timeoutDuration: 3000 }),
      env,
    );
  }

  /** The caller a token proves, or null for anything that does not verify (garbage, expired, another key or issuer). */
  async verify(token: string): Promise<Caller | null> {
    const known = this.verified.get(token);
    if (known) return known;
    const caller = await this.check(token);
    if (caller) this.verified.set(token, caller, caller.expiresAt);
    return caller;
  }

  private async check(token: string): Promise<Caller | null> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: [USER_TOKEN_ALGORITHM],
        issuer: this.audience.JWT_ISSUER,
        audience: this.audience.JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat', 'sid'],
      });
      const { role, sid, sub, exp } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || !USER_ROLES.includes(role as UserRole)) return null;
      // Stryker disable next-line ConditionalExpression: equivalent, jose has already required `exp` and checked it is a number
      return { userId: sub, role: role as UserRole, sessionId: sid, ...(typeof exp === 'number' ? { expiresAt: exp } : {}) };
    } catch (error) {
      // An unreachable JWKS endpoint (fetch fails with a TypeError) counts too: served as anonymous, retried next time.
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }

  /** Reads `Bearer <token>`; a malformed or invalid token counts as anonymous. */
  async fromAuthorization(header: string | undefined | null): Promise<Caller | null> {
    const token = bearerToken(header);
    return token ? this.verify(token) : null;
  }
}

export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

export function requireCaller(caller: Caller | null): Caller {
  if (!caller) throw unauthenticated();
  return caller;
}

export function requireAdmin(caller: Caller | null): Caller {
  const signedIn = requireCaller(caller);
  if (signedIn.role !== 'ADMIN') throw forbidden('Only an administrator can do this');
  return signedIn;
}

/** Selling: a SELLER manages its own products, an ADMIN all of them. */
export function requireSellerOrAdmin(caller: Caller | null): Caller {
  const signedIn = requireCaller(caller);
  if (signedIn.role !== 'SELLER' && signedIn.role !== 'ADMIN') throw forbidden('Only a seller or an administrator can do this');
  return signedIn;
}

/** Operations only our own services may call (stock reservation, ...). */
export function requireService(caller: Caller | null): Caller {
  const signedIn = requireCaller(caller);
  if (signedIn.role !== 'SERVICE') throw forbidden('Only an internal service can do this');
  return signedIn;
}
