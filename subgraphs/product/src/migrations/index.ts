import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121181937 } from './Migration20261121181937.js';

export const migrations: MigrationObject[] = [{ name: 'Migration20261121181937', class: Migration20261121181937 }];
