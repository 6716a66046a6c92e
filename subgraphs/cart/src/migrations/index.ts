import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121183044 } from './Migration20261121183044.js';

export const migrations: MigrationObject[] = [{ name: 'Migration20261121183044', class: Migration20261121183044 }];
