import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { UserContext } from '../../context.js';
import { AuthPayload, NotificationPreferences, RegisterInput, UpdateProfileInput, UserType } from './user.type.js';
import type { AuthResult } from './user.service.js';

const toPayload = (result: AuthResult): AuthPayload => Object.assign(new AuthPayload(), { ...result, user: UserType.from(result.user) });

@Resolver(() => UserType)
export class UserResolver {
  // @shareable: the cart subgraph answers `me` too (the caller's id), so `me { cart }` need not start here.
  @Directive('@shareable')
  @Query(() => UserType, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  async me(@Ctx() ctx: UserContext): Promise<UserType | null> {
    if (!ctx.caller) return null;
    const user = await ctx.users.profile(ctx.caller.userId);
    return user ? UserType.from(user) : null;
  }

  @Mutation(() => AuthPayload)
  async register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: UserContext): Promise<AuthPayload> {
    return toPayload(await ctx.users.register(input));
  }

  @Mutation(() => UserType, { description: "Changes the caller's own name and phone." })
  async updateProfile(@Arg('input', () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() ctx: UserContext): Promise<UserType> {
    return UserType.from(await ctx.users.updateProfile(ctx.caller, { ...input }));
  }

  @Mutation(() => UserType, { description: "Turns the caller's own notification channels on or off; an absent argument is unchanged." })
  async updateNotificationPreferences(
    @Arg('email', () => Boolean, { nullable: true }) email: boolean | null | undefined,
    @Arg('sms', () => Boolean, { nullable: true }) sms: boolean | null | undefined,
    @Ctx() ctx: UserContext,
  ): Promise<UserType> {
    return UserType.from(await ctx.users.updateNotificationPreferences(ctx.caller, { email, sms }));
  }

  @Mutation(() => UserType, {
    description:
      'ADMIN only: lets the user sell (create products, change the price and stock of its own). Takes effect at their next sign-in or session refresh.',
  })
  async grantSellerRole(@Arg('userId', () => ID) userId: string, @Ctx() ctx: UserContext): Promise<UserType> {
    return UserType.from(await ctx.users.grantSellerRole(ctx.caller, userId));
  }

  @FieldResolver(() => String, { nullable: true, description: 'E.164. Only the user themselves (or an ADMIN) may read it.' })
  phone(@Root() user: UserType, @Ctx() ctx: UserContext): string | null {
    ctx.users.assertMayReadPrivateFields(ctx.caller, user.id);
    return user.phone;
  }

  @FieldResolver(() => NotificationPreferences, { description: 'Only the user themselves (or an ADMIN) may read them.' })
  notificationPreferences(@Root() user: UserType, @Ctx() ctx: UserContext): NotificationPreferences {
    ctx.users.assertMayReadPrivateFields(ctx.caller, user.id);
    return user.notificationPreferences;
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
