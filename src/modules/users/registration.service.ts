import { IsEmail, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { issueToken, sessionClient, type Session } from '../auth/auth.service';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/passwords';
import { DEVICE_ID_PATTERN } from '../../auth/tokens';
import { BadInputError, ConflictError, ForbiddenError } from '../../errors/errors';
import { subject } from '../audit/audit.service';
import { BaseService } from '../base.service';
import { consumeInvite, grantsBeyondCreator } from '../invites/invite.service';
import { Invite, inviteState } from '../invites/invite.entity';
import { INVITE_TOKEN_PATTERN } from '../invites/invite.inputs';
import { normalizePrivileges } from '../privileges/privilege.enum';
import { Role } from '../roles/role.entity';
import { User } from './user.entity';
import { USERNAME_PATTERN, USERNAME_RULE } from './user.inputs';

@InputType()
export class RegisterInput {
  @Field()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;

  @Field()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`,
  })
  password!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid address' })
  @MaxLength(320)
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Required when registration is by invite.' })
  @IsOptional()
  @Matches(INVITE_TOKEN_PATTERN, { message: 'inviteToken must be 1–64 characters of A-Z a-z 0-9 . _ ~ -' })
  inviteToken?: string | null;

  @Field(() => String, { nullable: true, description: "The client's device id (Matrix `device_id`); one is given when absent." })
  @IsOptional()
  @Matches(DEVICE_ID_PATTERN, { message: 'deviceId must be 1–64 printable characters without spaces' })
  deviceId?: string | null;
}

/** One answer for every invite that cannot be used: unknown, expired, revoked, used up, or no longer honoured. */
const invalidInvite = (registrationMode: string) =>
  new ForbiddenError('The invite token is unknown, expired, revoked or used up.', { reason: 'INVALID_INVITE', registrationMode });

/**
 * Self-registration. The settings choose open, invite (default) or closed; on an empty database the
 * first account registers whatever the mode and becomes admin (the Socks rule). An invite's use is
 * taken atomically and its grants are applied in the same transaction as the account.
 */
export class RegistrationService extends BaseService {
  async register(input: RegisterInput): Promise<Session> {
    const settings = await this.ctx.settings();
    const { register } = settings.rateLimits;
    await this.ctx.deps.rateLimits.consume([
      [{ keyPrefix: 'register_addr', points: register.perAddress, durationSeconds: register.windowSeconds }, this.ctx.ip],
    ]);
    const mode = settings.registration.mode;
    // Whether one may register at all is settled before anything about accounts is answered: a
    // stranger with a bogus invite learns that, not whether a username is taken. Checked again inside
    // the transaction (an empty database needs no invite; the invite's use is taken there).
    const empty = (await this.em.count(User, {})) === 0;
    if (!empty) {
      if (mode === 'closed') throw new ForbiddenError('Registration is closed.', { reason: 'REGISTRATION_CLOSED' });
      if (mode === 'invite' && !input.inviteToken) throw new BadInputError('An invite token is required to register.', 'input.inviteToken');
      if (input.inviteToken) {
        const invite = await this.em.findOne(Invite, { token: input.inviteToken });
        if (!invite || !inviteState(invite).valid) throw invalidInvite(mode);
      }
    }
    const passwordHash = await this.ctx.deps.hasher.hash(input.password);
    return this.tx(async (em) => {
      const first = (await em.count(User, {})) === 0;
      if (!first && mode === 'closed') throw new ForbiddenError('Registration is closed.', { reason: 'REGISTRATION_CLOSED' });

      const invite = input.inviteToken && !first ? await consumeInvite(em, input.inviteToken, this.ctx.db.date(new Date())) : null;
      if (input.inviteToken && !first && !invite) throw invalidInvite(mode);
      if (!first && mode === 'invite' && !invite) throw new BadInputError('An invite token is required to register.', 'input.inviteToken');
      if (invite) {
        const beyond = await grantsBeyondCreator(em, invite);
        if (beyond.length > 0) {
          this.ctx.log.warn(
            { inviteId: invite.id, privileges: beyond },
            'invite refused: it grants privileges its creator no longer holds',
          );
          throw invalidInvite(mode);
        }
      }

      if (await em.findOne(User, { username: input.username })) {
        throw new ConflictError(`Username is taken: ${input.username}`, { field: 'username' });
      }
      const email = input.email?.toLowerCase() ?? null;
      if (email && (await em.findOne(User, { email }))) throw new ConflictError('Email is taken.', { field: 'email' });

      const user = em.create(User, { username: input.username, email, passwordHash });
      if (invite) {
        invite.lastUsedAt = new Date();
        invite.lastUsedBy = input.username;
      }
      const roles = first
        ? await em.find(Role, { name: 'admin', builtIn: true })
        : invite?.grantRoleIds.length
          ? await em.find(Role, { id: { $in: invite.grantRoleIds.map(Number) } })
          : [];
      for (const role of roles) user.roles.add(role);
      if (invite) user.privileges = normalizePrivileges(invite.grantPrivileges);
      const session = issueToken(em, user, settings.tokenLifetimeSeconds, sessionClient(this.ctx), null, input.deviceId ?? null);
      await em.flush();
      this.ctx.signedIn.userId = user.id;
      this.ctx.services.audit.record(em, {
        actor: { id: user.id, username: user.username },
        action: 'user.register',
        subjects: [subject.user(user), ...(invite ? [{ type: 'invite', id: String(invite.id), name: invite.name ?? null }] : [])],
        data: {
          first,
          invite: invite ? { id: invite.id, grants: { privileges: invite.grantPrivileges, roles: roles.map((r) => r.name) } } : null,
        },
        message: `registered${first ? ' as the first user (admin)' : invite ? ' with an invite' : ''}`,
      });
      return { ...session, user };
    });
  }
}
