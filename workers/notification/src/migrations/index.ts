import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121191908 } from './Migration20261121191908.js';

export const migrations: MigrationObject[] = [{ name: 'Migration20261121191908', class: Migration20261121191908 }];
