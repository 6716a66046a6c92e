import './tracing.js';
import 'reflect-metadata';
import { createLogger, runService } from '@shop/kit';
import { startRecommendationService } from './app.js';
import { loadRecommendationEnv } from './environment.js';

const env = loadRecommendationEnv();
runService(createLogger('recommendation', env.LOG_LEVEL), () => startRecommendationService(env, { prepare: env.MIGRATE_ON_START }));
