import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121192710 } from './Migration20261121192710.js';

export const migrations: MigrationObject[] = [{ name: 'Migration20261121192710', class: Migration20261121192710 }];
