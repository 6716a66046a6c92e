import type { ServiceContext } from '@shop/kit';
import type { UserService } from './modules/user/user.service.js';

export interface UserContext extends ServiceContext {
  users: UserService;
}
