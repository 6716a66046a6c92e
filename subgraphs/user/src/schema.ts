import { buildFederatedSubgraph, type BuiltSubgraph } from '@shop/kit';
import type { UserContext } from './context.js';
import { UserResolver } from './modules/user/user.resolver.js';
import { UserType } from './modules/user/user.type.js';

export const SUBGRAPH_NAME = 'user';

export function buildUserSubgraph(): Promise<BuiltSubgraph> {
  return buildFederatedSubgraph<UserContext>({
    resolvers: [UserResolver],
    references: {
      User: async (ids, ctx) => (await ctx.users.findManyById(ids)).map((u) => (u ? UserType.from(u) : null)),
    },
  });
}
