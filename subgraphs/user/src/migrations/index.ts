import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121180950 } from './Migration20261121180950.js';

export const migrations: MigrationObject[] = [{ name: 'Migration20261121180950', class: Migration20261121180950 }];
