import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { User } from './user.entity';

export const UserConnection = Connection('User', User);
export type UserConnection = InstanceType<typeof UserConnection>;

@ObjectType({ description: 'Why, when and by whom an account was deactivated.' })
export class Deactivation {
  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => Date, { nullable: true })
  at!: Date | null;

  @Field(() => User, { nullable: true, description: 'Null when that user no longer exists.' })
  by!: User | null;
}

@ObjectType({ description: 'A signed-in session. The token is shown only here, once.' })
export class AuthPayload {
  @Field({ description: 'Send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field()
  expiresAt!: Date;

  @Field({ description: "The session's device (Matrix `device_id`): the one named at sign-in, else one given to it." })
  deviceId!: string;

  @Field(() => User)
  user!: User;
}
