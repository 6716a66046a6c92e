import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { UserContext } from '../../context.js';
import { AuthPayload, RegisterInput, UserType } from './user.type.js';
import type { AuthResult } from './user.service.js';

const toPayload = (result: AuthResult): AuthPayload => Object.assign(new AuthPayload(), { ...result, user: UserType.from(result.user) });

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserType, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  async me(@Ctx() ctx: UserContext): Promise<UserType | null> {
    if (!ctx.caller) return null;
    const user = await ctx.users.findById(ctx.caller.userId);
    return user ? UserType.from(user) : null;
  }

  @Mutation(() => AuthPayload)
  async register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: UserContext): Promise<AuthPayload> {
    return toPayload(await ctx.users.register(input));
  }

  @Mutation(() => AuthPayload)
  async login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: UserContext,
  ): Promise<AuthPayload> {
    return toPayload(await ctx.users.login(email, password));
  }

  @Mutation(() => Boolean, {
    description: 'Ends the session of this refresh token: it is dead at once; its access tokens run out within their lifetime.',
  })
  async logout(@Arg('refreshToken', () => String) refreshToken: string, @Ctx() ctx: UserContext): Promise<boolean> {
    return ctx.users.logout(refreshToken);
  }

  @Mutation(() => AuthPayload)
  async refreshSession(@Arg('refreshToken', () => String) refreshToken: string, @Ctx() ctx: UserContext): Promise<AuthPayload> {
    return toPayload(await ctx.users.refresh(refreshToken));
  }
}
