import { Directive, Field, ID, Int, ObjectType, registerEnumType, InputType } from 'type-graphql';
import type { Role as RoleName } from '@shop/kit';
import type { User } from './user.entity.js';

export enum Role {
  CUSTOMER = 'CUSTOMER',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role' });

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

  static from(user: User): UserType {
    return Object.assign(new UserType(), { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.createdAt });
  }
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
}
