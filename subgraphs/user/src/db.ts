import 'reflect-metadata';
import path from 'node:path';
import { runDbCommand } from '@shop/kit';
import { connectUserDatabase, seedUsers } from './app.js';
import { loadUserEnv } from './environment.js';

const env = loadUserEnv();
runDbCommand({
  name: 'user',
  connect: () => connectUserDatabase(env),
  seed: (orm) => seedUsers(orm, env),
  migrationsSourceDir: path.resolve(__dirname, '../../src/migrations'),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
