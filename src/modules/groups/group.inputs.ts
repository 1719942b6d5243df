import { IsOptional, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { NAME_PATTERN, NAME_RULE } from '../roles/role.inputs';

@InputType()
export class CreateGroupInput {
  @Field()
  @Matches(NAME_PATTERN, { message: NAME_RULE })
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  description?: string | null;
}

@InputType()
export class UpdateGroupInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(NAME_PATTERN, { message: NAME_RULE })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  description?: string | null;
}

@InputType()
export class GroupFilter {
  @Field(() => String, { nullable: true, description: 'Substring of the name or description.' })
  @IsOptional()
  @MaxLength(256)
  query?: string | null;

  @Field(() => String, { nullable: true, description: 'Groups this user (by username) is a member of.' })
  @IsOptional()
  @MaxLength(64)
  member?: string | null;
}
