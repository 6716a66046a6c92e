import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  forbidden,
  isUuid,
  notFound,
  parseInput,
  requireAdmin,
  requireCaller,
  type Caller,
  type UserTokenIssuer,
} from '@shop/kit';
import { recordEvent } from '@shop/messaging';
import { z } from 'zod';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.js';
import { Session } from './session.entity.js';
import { User, type UserProfile } from './user.entity.js';
import { emailTaken, invalidCredentials, invalidRefreshToken } from './user.errors.js';

// E.164: a plus, a country code that does not start with 0, at most 15 digits in all; no spaces or punctuation.
const E164 = /^\+[1-9]\d{1,14}$/;
const phoneSchema = z.string().trim().regex(E164, 'must be an E.164 phone number, e.g. +4915112345678');
const nameSchema = z.string().trim().min(1, 'must not be empty').max(200);
// An empty field (a form left blank) is no phone.
const optionalPhone = z.union([z.literal('').transform(() => null), phoneSchema]).nullish();

export const registerSchema = z.object({
  email: z.string().trim().max(254).pipe(z.email('must be a valid e-mail address')),
  password: z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters'),
  name: nameSchema,
  phone: optionalPhone,
});

/** Absent: unchanged. `phone: null` (or an empty string) removes the phone. */
export const updateProfileSchema = z.object({
  name: nameSchema.nullish(),
  phone: optionalPhone,
});

export const notificationPreferencesSchema = z.object({ email: z.boolean().nullish(), sms: z.boolean().nullish() });

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
    const { email, password, name, phone } = parseInput(registerSchema, input);
    const emailKey = normalizeEmail(email);
    // Hashed before the lookup, so a taken address costs the same Argon2 time as a fresh one.
    const passwordHash = await hashPassword(password);
    if (await this.em.count(User, { emailKey })) throw emailTaken();
    const user = this.em.create(User, { email, emailKey, name, passwordHash, role: 'CUSTOMER', phone: phone ?? null });
    try {
      const result = await this.em.transactional(async (em) => {
        em.persist(user);
        // In the same transaction as the account: the welcome mail can neither be lost nor sent for a rolled-back sign-up.
        recordEvent(
          em,
          'user.registered',
          { userId: user.id, email: user.email, name: user.name, ...(user.phone ? { phone: user.phone } : {}) },
          this.correlationId,
        );
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

  /** The caller's own name and phone; nobody changes another account (there is no id to name one). */
  async updateProfile(caller: Caller | null, input: unknown): Promise<User> {
    const userId = ownAccount(caller);
    // Validated before anything is read or written: a bad phone changes nothing.
    const { name, phone } = parseInput(updateProfileSchema, input);
    return this.changeOwn(userId, (user, em) => {
      if (name !== undefined && name !== null) user.name = name;
      if (phone !== undefined) user.phone = phone;
      recordEvent(
        em,
        'user.profile_updated',
        { userId, name: user.name, phone: user.phone, revision: user.profileRevision },
        this.correlationId,
      );
    });
  }

  /** The caller's own channels: e-mail (on by default) and SMS (off by default). */
  async updateNotificationPreferences(caller: Caller | null, input: unknown): Promise<User> {
    const userId = ownAccount(caller);
    const { email, sms } = parseInput(notificationPreferencesSchema, input);
    return this.changeOwn(userId, (user, em) => {
      if (email !== undefined && email !== null) user.emailNotifications = email;
      if (sms !== undefined && sms !== null) user.smsNotifications = sms;
      recordEvent(
        em,
        'user.preferences_changed',
        { userId, email: user.emailNotifications, sms: user.smsNotifications, revision: user.profileRevision },
        this.correlationId,
      );
    });
  }

  /**
   * ADMIN only: the user may sell (create products and manage its own). Granting it twice is harmless; an
   * administrator keeps ADMIN (it already may do everything a seller may). The role reaches the user's tokens at
   * their next sign-in or session refresh, so within one access-token lifetime at most.
   */
  async grantSellerRole(caller: Caller | null, userId: string): Promise<User> {
    requireAdmin(caller);
    if (!isUuid(userId)) throw notFound('User', userId);
    return this.em.transactional(async (em) => {
      const user = await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw notFound('User', userId);
      if (user.role === 'ADMIN') throw new AppError('CONFLICT', 'An administrator already has every right a seller has', { userId });
      user.role = 'SELLER';
      return user;
    });
  }

  /** Phone and preferences are the user's own business, and an administrator's; nobody else may read them. */
  assertMayReadPrivateFields(caller: Caller | null, userId: string): void {
    const signedIn = requireCaller(caller);
    if (signedIn.userId !== userId && signedIn.role !== 'ADMIN') throw forbidden('Only the user themselves can see this');
  }

  /**
   * A user's own profile for `me`, which every signed-in query goes through: one statement, read into a plain object
   * (no entity hydration or identity map, nothing here is changed).
   */
  async profile(id: string): Promise<UserProfile | null> {
    if (!isUuid(id)) return null;
    const rows: Array<Omit<UserProfile, 'createdAt'> & { createdAt: Date | string }> = await this.em.getConnection().execute(
      `select id, email, name, role, created_at as "createdAt", phone,
              email_notifications as "emailNotifications", sms_notifications as "smsNotifications"
         from users where id = ?`,
      [id],
    );
    const row = rows[0];
    // MikroORM's connection hands timestamps over as text: the API's DateTime needs a Date.
    return row ? { ...row, createdAt: new Date(row.createdAt) } : null;
  }

  /** One statement for any number of ids; results line up with `ids`, null where missing. */
  async findManyById(ids: readonly string[]): Promise<Array<User | null>> {
    const valid = ids.filter(isUuid);
    const users = valid.length ? await this.em.find(User, { id: { $in: valid } }) : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * One change to the caller's own row, under its lock: the revision its event carries grows in commit order, so the
   * notification worker can tell the newest change from one that arrives late.
   */
  private async changeOwn(userId: string, apply: (user: User, em: EntityManager) => void): Promise<User> {
    const user = await this.em.transactional(async (em) => {
      const found = await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!found) throw notFound('User', userId);
      found.profileRevision += 1;
      apply(found, em);
      return found;
    });
    this.eventsWritten();
    return user;
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

/** The account a change applies to: the signed-in user's own, never one named by the request. */
function ownAccount(caller: Caller | null): string {
  const signedIn = requireCaller(caller);
  if (signedIn.role === 'SERVICE' || !isUuid(signedIn.userId)) throw forbidden('Only a signed-in user can change their own account');
  return signedIn.userId;
}

function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
