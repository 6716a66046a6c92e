import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../modules/user/password.js';
import { normalizeEmail } from '../modules/user/user.service.js';
import { User } from '../modules/user/user.entity.js';

/** Makes sure the configured admin exists with the ADMIN role. Idempotent; an existing password is left alone. */
export async function seedAdmin(em: EntityManager, email: string, password: string): Promise<'created' | 'kept'> {
  const emailKey = normalizeEmail(email);
  const existing = await em.findOne(User, { emailKey });
  if (existing) {
    existing.role = 'ADMIN';
    await em.flush();
    return 'kept';
  }
  em.persist(em.create(User, { email, emailKey, name: 'Administrator', role: 'ADMIN', passwordHash: await hashPassword(password) }));
  await em.flush();
  return 'created';
}
