import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { UserRole } from '@shop/kit';

@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?: 'role' | 'createdAt' | 'seededAdmin' | 'phone' | 'emailNotifications' | 'smsNotifications' | 'profileRevision';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** As the user typed it (trimmed). */
  @Property({ type: 'string', length: 254 })
  email!: string;

  /** Lower-cased e-mail: the unique key, so `Ann@x.io` and `ann@x.io` are one account. */
  @Unique({ name: 'users_email_key_unique' })
  @Property({ type: 'string', length: 254 })
  emailKey!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'text', hidden: true })
  passwordHash!: string;

  /** E.164 (`+4915112345678`), or null: no SMS can reach this user. */
  @Property({ type: 'string', length: 16, nullable: true })
  phone: string | null = null;

  /** Order mails, price drops. On unless the user turns it off. */
  @Property({ type: 'boolean' })
  emailNotifications: boolean = true;

  /** Order texts. Off unless the user opts in. */
  @Property({ type: 'boolean' })
  smsNotifications: boolean = false;

  /** Bumped by every profile or preference change and carried by its event, so a consumer can drop a stale one. */
  @Property({ type: 'integer' })
  profileRevision: number = 0;

  @Enum({ items: ['CUSTOMER', 'SELLER', 'ADMIN'], type: 'string' })
  role: UserRole = 'CUSTOMER';

  /** True only for the account the admin seeder created: the one account it may ever promote or re-password. */
  @Property({ type: 'boolean', hidden: true })
  seededAdmin: boolean = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

/** What the API shows of a user (UserType); a User entity is one, and so is the row `me` reads without hydrating. */
export type UserProfile = Pick<User, 'id' | 'email' | 'name' | 'role' | 'createdAt' | 'phone' | 'emailNotifications' | 'smsNotifications'>;
