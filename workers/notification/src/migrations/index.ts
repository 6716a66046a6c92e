import type { MigrationObject } from '@mikro-orm/core';
import { OutboxTraceContextMigration } from '@shop/messaging';
import { Migration20261121191908 } from './Migration20261121191908.js';
import { Migration20261210120000 } from './Migration20261210120000.js';
import { Migration20261230120000 } from './Migration20261230120000.js';
import { Migration20261231120000 } from './Migration20261231120000.js';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261121191908', class: Migration20261121191908 },
  { name: 'Migration20261210120000', class: Migration20261210120000 },
  { name: 'Migration20261220120000', class: OutboxTraceContextMigration },
  { name: 'Migration20261230120000', class: Migration20261230120000 },
  { name: 'Migration20261231120000', class: Migration20261231120000 },
];
