import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { unauthenticated, forbidden } from './errors.js';

/** SERVICE is for calls between our own services (never issued to a person). */
export type Role = 'CUSTOMER' | 'ADMIN' | 'SERVICE';

export interface Caller {
  userId: string;
  role: Role;
  /** When the token that proved this caller expires (epoch seconds); long-lived connections end then. */
  expiresAt?: number;
}

export interface TokenConfig {
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

const ALGORITHM = 'HS256';

/** Issues and verifies access tokens. The algorithm is pinned on both sides, so `alg: none` or a swapped alg never verifies. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(private readonly config: TokenConfig) {
    this.key = new TextEncoder().encode(config.JWT_SECRET);
  }

  async issue(caller: Caller, ttlSeconds: number): Promise<string> {
    return new SignJWT({ role: caller.role })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(caller.userId)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.key);
  }

  /** The caller a token proves, or null for anything that does not verify (garbage, expired, wrong issuer). */
  async verify(token: string): Promise<Caller | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const role = payload.role;
      if (typeof payload.sub !== 'string' || (role !== 'CUSTOMER' && role !== 'ADMIN' && role !== 'SERVICE')) return null;
      return { userId: payload.sub, role, expiresAt: payload.exp };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }

  /** Reads `Bearer <token>`; a malformed or invalid token counts as anonymous. */
  async fromAuthorization(header: string | undefined | null): Promise<Caller | null> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    return match?.[1] ? this.verify(match[1]) : null;
  }
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

/** Operations only our own services may call (stock reservation, ...). */
export function requireService(caller: Caller | null): Caller {
  const signedIn = requireCaller(caller);
  if (signedIn.role !== 'SERVICE') throw forbidden('Only an internal service can do this');
  return signedIn;
}
