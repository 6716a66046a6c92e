import type { MigrationObject } from '@mikro-orm/core';
import { OutboxTraceContextMigration } from '@shop/messaging';
import { Migration20261121183044 } from './Migration20261121183044.js';
import { Migration20261215120000 } from './Migration20261215120000.js';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261121183044', class: Migration20261121183044 },
  { name: 'Migration20261215120000', class: Migration20261215120000 },
  { name: 'Migration20261220120000', class: OutboxTraceContextMigration },
];
