import type { MikroORM } from '@mikro-orm/postgresql';
import { migrate } from './orm.js';

export interface DbCommands {
  name: string;
  connect: () => Promise<MikroORM>;
  seed: (orm: MikroORM) => Promise<string>;
  /** Where create-migration writes new TypeScript migrations (the service's src/migrations). */
  migrationsSourceDir: string;
}

/** `db.js migrate | seed | setup | create-migration`: the same database commands for every service. */
export async function runDbCommand(commands: DbCommands, command = process.argv[2]): Promise<void> {
  const orm = await commands.connect();
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrate(orm);
        console.log(`${commands.name}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
        break;
      }
      case 'seed':
        console.log(`${commands.name}: ${await commands.seed(orm)}`);
        break;
      case 'setup': {
        const applied = await migrate(orm);
        console.log(`${commands.name}: ${applied.length} migration(s) applied; ${await commands.seed(orm)}`);
        break;
      }
      case 'create-migration': {
        await migrate(orm);
        const created = await orm.getMigrator().createMigration(commands.migrationsSourceDir, false, false);
        console.log(
          created.fileName
            ? `${commands.name}: wrote ${created.fileName}; add it to src/migrations/index.ts`
            : `${commands.name}: no schema changes`,
        );
        break;
      }
      default:
        throw new Error(`unknown command "${command}"; use migrate | seed | setup | create-migration`);
    }
  } finally {
    await orm.close();
  }
}
