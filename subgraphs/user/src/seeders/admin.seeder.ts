import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword, verifyPassword } from '../modules/user/password.js';
import { Session } from '../modules/user/session.entity.js';
import { normalizeEmail } from '../modules/user/user.service.js';
import { User } from '../modules/user/user.entity.js';

export type AdminSeedOutcome = 'created' | 'kept' | 'password changed';

/** ADMIN_EMAIL names an account someone registered: promoting it would hand them the admin role. */
export class AdminEmailTakenError extends Error {
  constructor(email: string) {
    super(
      `ADMIN_EMAIL ${email} belongs to an account the admin seeder did not create, so it will not be made an admin. ` +
        `Set ADMIN_EMAIL to an address that has no account yet; or, if you have checked that this account is yours, ` +
        `mark it as the seeded admin with: UPDATE users SET seeded_admin = true WHERE email_key = '${normalizeEmail(email)}';`,
    );
    this.name = 'AdminEmailTakenError';
  }
}

/**
 * Makes sure the configured admin exists with the ADMIN role. Only ever touches the account it created itself;
 * when ADMIN_PASSWORD no longer verifies, it applies the new one and revokes that account's sessions.
 */
export async function seedAdmin(em: EntityManager, email: string, password: string): Promise<AdminSeedOutcome> {
  const emailKey = normalizeEmail(email);
  const existing = await em.findOne(User, { emailKey });
  if (!existing) {
    em.persist(
      em.create(User, {
        email,
        emailKey,
        name: 'Administrator',
        role: 'ADMIN',
        seededAdmin: true,
        passwordHash: await hashPassword(password),
      }),
    );
    await em.flush();
    return 'created';
  }
  if (!existing.seededAdmin) throw new AdminEmailTakenError(email);
  const passwordChanged = !(await verifyPassword(existing.passwordHash, password));
  const passwordHash = passwordChanged ? await hashPassword(password) : existing.passwordHash;
  await em.transactional(async (tx) => {
    await tx.nativeUpdate(User, { id: existing.id }, { role: 'ADMIN', passwordHash });
    // Whoever signed in with the old password is signed out.
    if (passwordChanged)
      await tx.nativeUpdate(
        Session,
        { user: existing.id, revokedAt: null },
        { revokedAt: new Date(), revokedReason: 'admin password changed' },
      );
  });
  return passwordChanged ? 'password changed' : 'kept';
}
