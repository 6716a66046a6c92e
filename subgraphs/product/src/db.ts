import 'reflect-metadata';
import path from 'node:path';
import { runDbCommand } from '@shop/kit';
import { connectProductDatabase, seedProducts } from './app.js';
import { loadProductEnv } from './environment.js';

const env = loadProductEnv();
runDbCommand({
  name: 'product',
  connect: () => connectProductDatabase(env),
  seed: (orm) => seedProducts(orm, env),
  migrationsSourceDir: path.resolve(__dirname, '../../src/migrations'),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
