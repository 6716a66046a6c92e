import type { MigrationObject } from '@mikro-orm/core';
import { OutboxTraceContextMigration } from '@shop/messaging';
import { Migration20261121192710 } from './Migration20261121192710.js';
import { Migration20261121201505 } from './Migration20261121201505.js';
import { Migration20261201120000 } from './Migration20261201120000.js';
import { Migration20261210120000 } from './Migration20261210120000.js';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261121192710', class: Migration20261121192710 },
  { name: 'Migration20261121201505', class: Migration20261121201505 },
  { name: 'Migration20261201120000', class: Migration20261201120000 },
  { name: 'Migration20261210120000', class: Migration20261210120000 },
  { name: 'Migration20261220120000', class: OutboxTraceContextMigration },
];
