import { Arg, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { User } from '../users/user.entity';
import type { UserRecord } from '../users/user.queries';
import { AuthPayload } from '../users/user.types';
import { MfaMethod } from './mfa.service';
import { SessionRecord } from './session.types';

@ObjectType({ description: 'A TOTP enrolment in progress: add it to an authenticator app, then confirm with a first code.' })
export class MfaEnrolment {
  @Field({ description: 'The base32 seed, shown only here, once (for typing it in by hand).' })
  secret!: string;

  @Field({ description: 'otpauth://totp/… for a QR code.' })
  otpauthUri!: string;
}

/** Two-factor sign-in and sessions: the caller's own MFA, the second sign-in step, the admin reset. */
@Resolver(() => User)
export class MfaResolver {
  @FieldResolver(() => Boolean, { description: 'Two-factor sign-in (TOTP) is on.' })
  mfaEnabled(@Root() user: UserRecord, @Ctx() { loaders }: Context) {
    return loaders.mfaEnabledByUser.load(user.id);
  }

  @FieldResolver(() => [SessionRecord], {
    description: 'Live sessions, newest first (at most 200): for the user themself and MANAGE_USERS.',
  })
  sessions(@Root() user: UserRecord, @Ctx() { services }: Context) {
    return services.auth.sessionsOf(user.id);
  }

  @Mutation(() => MfaEnrolment, {
    description: "Starts the caller's TOTP enrolment (a new seed); MFA is on once confirmMfaEnrolment succeeds.",
  })
  startMfaEnrolment(@Ctx() { services }: Context) {
    return services.mfa.startEnrolment();
  }

  @Mutation(() => [String], {
    description: 'Confirms the enrolment with a first code: MFA is on. Answers ten single-use recovery codes, shown only here.',
  })
  confirmMfaEnrolment(@Ctx() { services }: Context, @Arg('code') code: string) {
    return services.mfa.confirmEnrolment(code);
  }

  @Mutation(() => Boolean, { description: "Turns the caller's MFA off; needs a current code or a recovery code." })
  disableMfa(
    @Ctx() { services }: Context,
    @Arg('code') code: string,
    @Arg('method', () => MfaMethod, { defaultValue: MfaMethod.TOTP }) method: MfaMethod,
  ) {
    return services.mfa.disable(code, method);
  }

  @Mutation(() => [String], {
    description: 'New recovery codes for the caller (a current TOTP code is required); the old ones stop working.',
  })
  regenerateRecoveryCodes(@Ctx() { services }: Context, @Arg('code') code: string) {
    return services.mfa.regenerateRecoveryCodes(code);
  }

  @Mutation(() => AuthPayload, {
    description:
      'The second sign-in step: `login` answered FORBIDDEN with reason MFA_REQUIRED and `extensions.mfaChallenge`; this answers the session. Wrong codes count against the login limits.',
  })
  verifyMfa(
    @Ctx() { services }: Context,
    @Arg('challenge') challenge: string,
    @Arg('code') code: string,
    @Arg('method', () => MfaMethod, { defaultValue: MfaMethod.TOTP }) method: MfaMethod,
  ) {
    return services.auth.verifyMfa(challenge, code, method);
  }

  @Mutation(() => User, {
    description: "Turns a user's MFA off (a lost phone): MANAGE_USERS, and every privilege the user holds. Their sessions stay.",
  })
  resetUserMfa(@Ctx() { services }: Context, @Arg('idOrUsername') idOrUsername: string) {
    return services.mfa.reset(idOrUsername);
  }

  @Mutation(() => Boolean, { description: 'Ends one session: your own, or (MANAGE_USERS) a user’s whose privileges you all hold.' })
  revokeSession(@Ctx() { services }: Context, @Arg('id', () => ID) id: string) {
    return services.auth.revokeSession(id);
  }

  @Mutation(() => Number, { description: 'Ends every session of a user (by id or username); answers how many ended.' })
  revokeAllSessions(
    @Ctx() { services }: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('username', () => String, { nullable: true }) username?: string,
  ) {
    return services.auth.revokeAllSessions(id, username);
  }
}
