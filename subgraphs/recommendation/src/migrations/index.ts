import type { MigrationObject } from '@mikro-orm/core';
import { OutboxTraceContextMigration } from '@shop/messaging';
import { Migration20261202040000 } from './Migration20261202040000.js';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261202040000', class: Migration20261202040000 },
  { name: 'Migration20261220120000', class: OutboxTraceContextMigration },
];
