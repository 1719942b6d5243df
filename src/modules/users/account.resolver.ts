import { Arg, Ctx, Field, ID, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { User } from './user.entity';

@ObjectType()
export class PasswordResetToken {
  @Field({ description: 'One use, valid 24 hours.' })
  token!: string;

  @Field()
  link!: string;

  @Field()
  expiresAt!: Date;
}

@ObjectType({ description: 'A generated password, shown once.' })
export class GeneratedPassword {
  @Field()
  username!: string;

  @Field()
  password!: string;
}

@Resolver()
export class AccountResolver {
  @Mutation(() => GeneratedPassword, {
    description: "Sets a generated password and ends the user's sessions (the caller must hold every privilege the user holds).",
  })
  resetUserPassword(@Ctx() { services }: Context, @Arg('idOrUsername') idOrUsername: string) {
    return services.accounts.resetUserPassword(idOrUsername);
  }

  @Mutation(() => User, { description: 'Deactivates an active account or reactivates a deactivated one.' })
  toggleUserActivation(@Ctx() { services }: Context, @Arg('idOrUsername') idOrUsername: string) {
    return services.accounts.toggleActivation(idOrUsername);
  }

  @Mutation(() => [User])
  approveUsers(
    @Ctx() { services }: Context,
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.accounts.approve({ ids, usernames });
  }

  @Mutation(() => [User], { description: 'Requires a password change at next sign-in.' })
  forcePasswordReset(
    @Ctx() { services }: Context,
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.accounts.forcePasswordReset({ ids, usernames });
  }

  @Mutation(() => [User])
  confirmUserEmails(
    @Ctx() { services }: Context,
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.accounts.confirmEmails({ ids, usernames });
  }

  @Mutation(() => [User], { description: 'Mails a confirmation link to each listed user whose email is unconfirmed.' })
  resendConfirmationEmails(
    @Ctx() { services }: Context,
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.accounts.resendConfirmation({ ids, usernames });
  }

  @Mutation(() => PasswordResetToken, { description: 'A one-use password-reset token (and link) for a user.' })
  createPasswordResetToken(@Ctx() { services }: Context, @Arg('idOrUsername') idOrUsername: string) {
    return services.accounts.createPasswordReset(idOrUsername);
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with a reset token; all sessions end.' })
  resetPassword(@Ctx() { services }: Context, @Arg('token') token: string, @Arg('password') password: string) {
    return services.accounts.resetPassword(token, password);
  }

  @Mutation(() => Boolean, { description: 'Confirms an email address with the mailed token.' })
  confirmEmail(@Ctx() { services }: Context, @Arg('token') token: string) {
    return services.accounts.confirmEmail(token);
  }
}
