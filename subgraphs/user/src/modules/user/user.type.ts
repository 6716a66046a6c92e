import { Directive, Field, ID, Int, ObjectType, registerEnumType, InputType } from 'type-graphql';
import type { Role as RoleName } from '@shop/kit';
import type { UserProfile } from './user.entity.js';

export enum Role {
  CUSTOMER = 'CUSTOMER',
  ADMIN = 'ADMIN',
  SELLER = 'SELLER',
}
registerEnumType(Role, {
  name: 'Role',
  valuesConfig: {
    CUSTOMER: { description: 'Buys.' },
    ADMIN: { description: 'Runs the shop: every product, every order.' },
    SELLER: { description: 'Buys, and sells products of its own (granted by an ADMIN with grantSellerRole).' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: RoleName;

  @Field(() => Date)
  createdAt!: Date;

  // Resolved by UserResolver, which lets only the user themselves (or an ADMIN) read them.
  phone!: string | null;
  notificationPreferences!: NotificationPreferences;

  static from(user: UserProfile): UserType {
    return Object.assign(new UserType(), {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      createdAt: user.createdAt,
      phone: user.phone,
      notificationPreferences: Object.assign(new NotificationPreferences(), { email: user.emailNotifications, sms: user.smsNotifications }),
    });
  }
}

@ObjectType({ description: 'The channels a user wants notifications on.' })
export class NotificationPreferences {
  @Field(() => Boolean, { description: 'Order mails and price drops (on by default).' })
  email!: boolean;

  @Field(() => Boolean, { description: 'Order confirmations and cancellations by SMS, to `User.phone` (off by default).' })
  sms!: boolean;
}

@ObjectType()
export class AuthPayload {
  @Field(() => String)
  accessToken!: string;

  @Field(() => String)
  refreshToken!: string;

  @Field(() => Int, { description: 'Seconds until the access token expires.' })
  expiresIn!: number;

  @Field(() => UserType)
  user!: UserType;
}

@InputType()
export class RegisterInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'E.164, e.g. +4915112345678.' })
  phone?: string | null;
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: 'Absent: unchanged.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'E.164, e.g. +4915112345678. Absent: unchanged; null or empty: removed.' })
  phone?: string | null;
}
