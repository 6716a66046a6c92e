import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from './user.entity.js';

/** One sign-in. Its refresh token rotates on every use; only the hash of the current secret is stored. */
@Entity({ tableName: 'sessions' })
export class Session {
  [OptionalProps]?: 'generation' | 'retiredHashes' | 'revokedAt' | 'revokedReason' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Index()
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Property({ type: 'string', length: 64 })
  tokenHash!: string;

  @Property({ type: 'integer' })
  generation: number = 0;

  /** Hashes of the secrets rotated away (the newest few): only one of these counts as reuse. */
  @Property({ type: 'json' })
  retiredHashes: string[] = [];

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'string', nullable: true })
  revokedReason: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
