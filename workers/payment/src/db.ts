import 'reflect-metadata';
import path from 'node:path';
import { runDbCommand } from '@shop/kit';
import { connectPaymentDatabase } from './app.js';
import { loadPaymentEnv } from './environment.js';

const env = loadPaymentEnv();
runDbCommand({
  name: 'payment',
  connect: () => connectPaymentDatabase(env),
  seed: async () => 'nothing to seed',
  migrationsSourceDir: path.resolve(__dirname, '../../src/migrations'),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
