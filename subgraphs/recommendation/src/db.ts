import 'reflect-metadata';
import path from 'node:path';
import { runDbCommand } from '@shop/kit';
import { connectRecommendationDatabase } from './app.js';
import { loadRecommendationEnv } from './environment.js';

const env = loadRecommendationEnv();
runDbCommand({
  name: 'recommendation',
  connect: () => connectRecommendationDatabase(env),
  // Everything here is derived from order.confirmed events: nothing to seed.
  seed: async () => 'nothing to seed',
  migrationsSourceDir: path.resolve(__dirname, '../../src/migrations'),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
