import 'reflect-metadata';
import path from 'node:path';
import { runDbCommand } from '@shop/kit';
import { connectCartDatabase } from './app.js';
import { loadCartEnv } from './environment.js';

const env = loadCartEnv();
runDbCommand({
  name: 'cart',
  connect: () => connectCartDatabase(env),
  seed: async () => 'nothing to seed',
  migrationsSourceDir: path.resolve(__dirname, '../../src/migrations'),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
