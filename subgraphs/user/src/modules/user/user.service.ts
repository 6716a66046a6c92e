import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, parseInput, type UserTokenIssuer } from '@shop/kit';
import { recordEvent } from '@shop/messaging';
import { z } from 'zod';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.js';
import { Session } from './session.entity.js';
import { User } from './user.entity.js';
import { emailTaken, invalidCredentials, invalidRefreshToken } from './user.errors.js';

export const registerSchema = z.object({
  email: z.string().trim().max(254).pipe(z.email('must be a valid e-mail address')),
  password: z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters'),
  name: z.string().trim().min(1, 'must not be empty').max(200),
});

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

export interface SessionPolicy {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** Rotated-away secrets remembered per session for reuse detection; older ones are merely invalid. */
const RETIRED_HASHES_KEPT = 20;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Refresh tokens are `<sessionId>.<secret>`; the secret is 256 random bits and only its hash is kept. */
function splitRefreshToken(token: string): { sessionId: string; secret: string } | null {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { sessionId: match[1]!, secret: match[2]! } : null;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export class UserService {
  constructor(
    private readonly em: EntityManager,
    private readonly tokens: UserTokenIssuer,
    private readonly policy: SessionPolicy,
    private readonly correlationId: string,
    /** Called after a commit that wrote events, so the relay publishes them now rather than at its next tick. */
    private readonly eventsWritten: () => void = () => undefined,
  ) {}

  async register(input: unknown): Promise<AuthResult> {
    const { email, password, name } = parseInput(registerSchema, input);
    const emailKey = normalizeEmail(email);
    // Hashed before the lookup, so a taken address costs the same Argon2 time as a fresh one.
    const passwordHash = await hashPassword(password);
    if (await this.em.count(User, { emailKey })) throw emailTaken();
    const user = this.em.create(User, { email, emailKey, name, passwordHash, role: 'CUSTOMER' });
    try {
      const result = await this.em.transactional(async (em) => {
        em.persist(user);
        // In the same transaction as the account: the welcome mail can neither be lost nor sent for a rolled-back sign-up.
        recordEvent(em, 'user.registered', { userId: user.id, email: user.email, name: user.name }, this.correlationId);
        return this.openSession(em, user);
      });
      this.eventsWritten();
      return result;
    } catch (error) {
      // Two registrations racing past the count: the unique index decides, the loser gets CONFLICT.
      if (error instanceof UniqueConstraintViolationException) throw emailTaken();
      throw error;
    }
  }

  async login(email: string, password: string): Promise<AuthResult> {
    const user = await this.em.findOne(User, { emailKey: normalizeEmail(email) });
    const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
    if (!user || !ok) throw invalidCredentials();
    return this.em.transactional((em) => this.openSession(em, user));
  }

  /** Rotates the refresh token. Presenting a secret that was already rotated away revokes the whole session. */
  async refresh(refreshToken: string): Promise<AuthResult> {
    const parts = splitRefreshToken(refreshToken);
    if (!parts) throw invalidRefreshToken();
    const result = await this.em.transactional(async (em): Promise<AuthResult | 'reused'> => {
      const session = await em.findOne(Session, { id: parts.sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!session || session.revokedAt || session.expiresAt <= new Date()) throw invalidRefreshToken();
      const presented = sha256(parts.secret);
      if (!safeEqualHex(session.tokenHash, presented)) {
        // Only a secret this session really issued and rotated away is reuse (a stolen token raced its owner): the
        // session id alone, which access tokens carry, must not let anyone end somebody else's session.
        if (!session.retiredHashes.some((hash) => safeEqualHex(hash, presented))) throw invalidRefreshToken();
        session.revokedAt = new Date();
        session.revokedReason = 'refresh token reuse';
        // Returned, not thrown: the revocation has to commit.
        return 'reused';
      }
      const secret = randomBytes(32).toString('base64url');
      session.retiredHashes = [session.tokenHash, ...session.retiredHashes].slice(0, RETIRED_HASHES_KEPT);
      session.tokenHash = sha256(secret);
      session.generation += 1;
      const user = await em.findOneOrFail(User, { id: session.user.id });
      return {
        accessToken: await this.accessToken(user, session),
        refreshToken: `${session.id}.${secret}`,
        expiresIn: this.policy.accessTokenTtlSeconds,
        user,
      };
    });
    if (result === 'reused') throw invalidRefreshToken();
    return result;
  }

  /**
   * Ends the session the refresh token belongs to: the token is dead at once, and the session's access tokens
   * (which carry its id) run out within their lifetime. Repeating it is harmless. False when the token is not one.
   */
  async logout(refreshToken: string): Promise<boolean> {
    const parts = splitRefreshToken(refreshToken);
    if (!parts) return false;
    return this.em.transactional(async (em) => {
      const session = await em.findOne(Session, { id: parts.sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!session || !safeEqualHex(session.tokenHash, sha256(parts.secret))) return false;
      if (!session.revokedAt) {
        session.revokedAt = new Date();
        session.revokedReason = 'logout';
      }
      return true;
    });
  }

  async findById(id: string): Promise<User | null> {
    return isUuid(id) ? this.em.findOne(User, { id }) : null;
  }

  /** One statement for any number of ids; results line up with `ids`, null where missing. */
  async findManyById(ids: readonly string[]): Promise<Array<User | null>> {
    const valid = ids.filter(isUuid);
    const users = valid.length ? await this.em.find(User, { id: { $in: valid } }) : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  private accessToken(user: User, session: Session): Promise<string> {
    return this.tokens.issue({ userId: user.id, role: user.role, sessionId: session.id }, this.policy.accessTokenTtlSeconds);
  }

  private async openSession(em: EntityManager, user: User): Promise<AuthResult> {
    const secret = randomBytes(32).toString('base64url');
    const session = em.create(Session, {
      user,
      tokenHash: sha256(secret),
      expiresAt: new Date(Date.now() + this.policy.refreshTokenTtlSeconds * 1000),
    });
    em.persist(session);
    return {
      accessToken: await this.accessToken(user, session),
      refreshToken: `${session.id}.${secret}`,
      expiresIn: this.policy.accessTokenTtlSeconds,
      user,
    };
  }
}

function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
