import 'reflect-metadata';
import path from 'node:path';
import { runDbCommand } from '@shop/kit';
import { connectOrderDatabase } from './app.js';
import { loadOrderEnv } from './environment.js';

const env = loadOrderEnv();
runDbCommand({
  name: 'order',
  connect: () => connectOrderDatabase(env),
  seed: async () => 'nothing to seed',
  migrationsSourceDir: path.resolve(__dirname, '../../src/migrations'),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
