import type { ServiceContext } from '@shop/kit';
import type { RecommendationService } from './modules/recommendation/recommendation.service.js';

export interface RecommendationContext extends ServiceContext {
  recommendations: RecommendationService;
}
