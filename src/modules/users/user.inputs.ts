import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/passwords';
import { Privilege } from '../privileges/privilege.enum';

/** Username rule shared by every entry point: a Matrix localpart. */
export const USERNAME_PATTERN = /^[a-z0-9._=-]{1,64}$/;
export const USERNAME_RULE = 'username must be 1–64 characters of a-z, 0-9, ".", "_", "=", "-"';
export const TAG_PATTERN = /^[A-Za-z0-9:._-]{1,64}$/;
/** Bulk inputs are bounded so one request cannot hold a transaction for long. */
export const MAX_BULK = 500;

@InputType({ description: 'A new user account.' })
export class CreateUserInput {
  @Field()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;

  @Field(() => String, { nullable: true, description: 'Without one the account cannot sign in until a password is set.' })
  @IsOptional()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`,
  })
  password?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid address' })
  @MaxLength(320)
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(256)
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/, { message: 'language must be a language tag such as en or pt-BR' })
  language?: string | null;

  @Field(() => [Privilege], { nullable: true, description: 'Direct privileges; the creator must hold each one.' })
  @IsOptional()
  @ArrayMaxSize(64)
  privileges?: Privilege[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'An admin-console account (Pryv.io admin user): listed as staff whatever it holds.',
  })
  @IsOptional()
  adminConsole?: boolean | null;
}

@InputType({ description: 'Changes to a user. Only the fields given change; privileges and roles have their own mutations.' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid address' })
  @MaxLength(320)
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(256)
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/, { message: 'language must be a language tag such as en or pt-BR' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'A new password. Changing it signs the user out everywhere.' })
  @IsOptional()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`,
  })
  password?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Required when users change their own password; when given for one’s own account it is always checked.',
  })
  @IsOptional()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword?: string | null;
}

export enum ActorType {
  APPLICATION = 'Application',
  GROUP = 'Group',
  ORGANIZATION = 'Organization',
  PERSON = 'Person',
  SERVICE = 'Service',
}
registerEnumType(ActorType, { name: 'ActorType', description: 'ActivityPub actor types (Akkoma actor_types).' });

@InputType()
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Substring of username, email or display name.' })
  @IsOptional()
  @MaxLength(256)
  query?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  username?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(320)
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Substring of the display name.' })
  @IsOptional()
  @MaxLength(256)
  displayName?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Every Gatehouse account is local: false matches none (Pleroma "external").',
  })
  local?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: active only; false: deactivated only.' })
  active?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  approved?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  emailConfirmed?: boolean | null;

  @Field(() => [String], { nullable: true, description: 'Users holding any of these roles (by name).' })
  @IsOptional()
  @ArrayMaxSize(50)
  roles?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Users carrying any of these tags.' })
  @IsOptional()
  @ArrayMaxSize(50)
  tags?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Members of this group.' })
  group?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: staff (holding a privilege directly or by role) only; false: the others.' })
  staff?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Exactly this email address (case-sensitive, as Akkoma matches it).' })
  @IsOptional()
  @MaxLength(320)
  emailIs?: string | null;

  @Field(() => [String], { nullable: true, description: 'Users holding every one of these roles (by name).' })
  @IsOptional()
  @ArrayMaxSize(50)
  allRoles?: string[] | null;

  @Field(() => [ActorType], {
    nullable: true,
    description: 'ActivityPub actor types to match (Akkoma actor_types[]). Every Gatehouse account is a PERSON.',
  })
  @IsOptional()
  @ArrayMaxSize(5)
  actorTypes?: ActorType[] | null;
}

export class BulkIds {
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK)
  ids!: string[];
}

export { ValidateNested };
