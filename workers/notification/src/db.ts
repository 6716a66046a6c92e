import 'reflect-metadata';
import path from 'node:path';
import { runDbCommand } from '@shop/kit';
import { connectNotificationDatabase } from './app.js';
import { loadNotificationEnv } from './environment.js';

const env = loadNotificationEnv();
runDbCommand({
  name: 'notification',
  connect: () => connectNotificationDatabase(env),
  seed: async () => 'nothing to seed',
  migrationsSourceDir: path.resolve(__dirname, '../../src/migrations'),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
