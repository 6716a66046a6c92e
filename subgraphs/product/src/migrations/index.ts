import type { MigrationObject } from '@mikro-orm/core';
import { OutboxTraceContextMigration } from '@shop/messaging';
import { Migration20261121181937 } from './Migration20261121181937.js';
import { Migration20261121182912 } from './Migration20261121182912.js';
import { Migration20261121184317 } from './Migration20261121184317.js';
import { Migration20261121192243 } from './Migration20261121192243.js';
import { Migration20261121193201 } from './Migration20261121193201.js';
import { Migration20261210120000 } from './Migration20261210120000.js';
import { Migration20261231120000 } from './Migration20261231120000.js';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261121181937', class: Migration20261121181937 },
  { name: 'Migration20261121182912', class: Migration20261121182912 },
  { name: 'Migration20261121184317', class: Migration20261121184317 },
  { name: 'Migration20261121192243', class: Migration20261121192243 },
  { name: 'Migration20261121193201', class: Migration20261121193201 },
  { name: 'Migration20261210120000', class: Migration20261210120000 },
  { name: 'Migration20261220120000', class: OutboxTraceContextMigration },
  { name: 'Migration20261231120000', class: Migration20261231120000 },
];
