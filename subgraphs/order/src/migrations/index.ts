import type { MigrationObject } from '@mikro-orm/core';
import { OutboxTraceContextMigration } from '@shop/messaging';
import { Migration20261121201457 } from './Migration20261121201457.js';
import { Migration20261202140000 } from './Migration20261202140000.js';
import { Migration20261210120000 } from './Migration20261210120000.js';
import { Migration20261215120000 } from './Migration20261215120000.js';
import { Migration20261231120000 } from './Migration20261231120000.js';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261121201457', class: Migration20261121201457 },
  { name: 'Migration20261202140000', class: Migration20261202140000 },
  { name: 'Migration20261210120000', class: Migration20261210120000 },
  { name: 'Migration20261215120000', class: Migration20261215120000 },
  { name: 'Migration20261220120000', class: OutboxTraceContextMigration },
  { name: 'Migration20261231120000', class: Migration20261231120000 },
];
