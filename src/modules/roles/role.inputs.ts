import { ArrayMaxSize, IsOptional, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { Privilege } from '../privileges/privilege.enum';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export const NAME_RULE = 'name must be 1–64 characters of letters, digits, space, ".", "_", "-"';

@InputType()
export class CreateRoleInput {
  @Field()
  @Matches(NAME_PATTERN, { message: NAME_RULE })
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  description?: string | null;

  @Field(() => [Privilege], { defaultValue: [] })
  @ArrayMaxSize(64)
  privileges!: Privilege[];
}

@InputType()
export class UpdateRoleInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(NAME_PATTERN, { message: NAME_RULE })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  description?: string | null;

  @Field(() => [Privilege], { nullable: true, description: 'Replaces the role’s privileges.' })
  @IsOptional()
  @ArrayMaxSize(64)
  privileges?: Privilege[] | null;
}
