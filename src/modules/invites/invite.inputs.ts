import { ArrayMaxSize, IsEmail, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { Privilege } from '../privileges/privilege.enum';

export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9._~-]{1,64}$/;

@InputType({ description: 'What registering with an invite gives.' })
export class InviteGrantsInput {
  @Field(() => [Privilege], { defaultValue: [] })
  @ArrayMaxSize(64)
  privileges!: Privilege[];

  @Field(() => [String], { defaultValue: [], description: 'Role names.' })
  @ArrayMaxSize(64)
  roles!: string[];
}

@InputType()
export class CreateInviteInput {
  @Field(() => String, { nullable: true, description: 'Choose the token (else a random one): at most 64 of [A-Za-z0-9._~-].' })
  @IsOptional()
  @Matches(INVITE_TOKEN_PATTERN, { message: 'token must be 1–64 characters of A-Z a-z 0-9 . _ ~ -' })
  token?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(256)
  name?: string | null;

  @Field(() => Int, { nullable: true, description: 'null (default) means unlimited.' })
  @IsOptional()
  @Min(1, { message: 'maxUses must be at least 1 (null for unlimited)' })
  @Max(1_000_000)
  maxUses?: number | null;

  @Field(() => Date, { nullable: true, description: 'Must lie in the future; null means never.' })
  expiresAt?: Date | null;

  @Field(() => InviteGrantsInput, { nullable: true })
  grants?: InviteGrantsInput | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid address' })
  email?: string | null;
}

@InputType()
export class UpdateInviteInput {
  @Field(() => Int, { nullable: true, description: 'null means unlimited.' })
  @IsOptional()
  @Min(1, { message: 'maxUses must be at least 1 (null for unlimited)' })
  @Max(1_000_000)
  maxUses?: number | null;

  @Field(() => Date, { nullable: true, description: 'null means never.' })
  expiresAt?: Date | null;
}

export enum InviteStatus {
  VALID = 'VALID',
  EXPIRED = 'EXPIRED',
  USED_UP = 'USED_UP',
  REVOKED = 'REVOKED',
}
registerEnumType(InviteStatus, { name: 'InviteStatus' });

@InputType()
export class InviteFilter {
  @Field(() => InviteStatus, { nullable: true })
  status?: InviteStatus | null;
}
