import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Report, ReportState } from './report.entity';

@InputType()
export class ReportContentInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(256)
  id?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2048)
  uri?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20000)
  text?: string | null;
}

@InputType()
export class FileReportInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => [ReportContentInput], { defaultValue: [] })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  content!: ReportContentInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  comment?: string | null;
}

@InputType({ description: 'One item of a batch state change. The state is a string so an unknown one fails only its item.' })
export class ReportStateUpdate {
  @Field(() => ID)
  id!: string;

  @Field()
  state!: string;
}

@ObjectType({ description: 'The outcome of one item of a batch: each item is atomic on its own.' })
export class ReportStateResult {
  @Field(() => ID)
  id!: string;

  @Field()
  ok!: boolean;

  @Field(() => String, { nullable: true, description: 'NOT_FOUND or BAD_USER_INPUT when the item failed.' })
  code?: string | null;

  @Field(() => String, { nullable: true })
  error?: string | null;

  @Field(() => Report, { nullable: true })
  report?: Report | null;
}

@InputType()
export class ReportFilter {
  @Field(() => ReportState, { nullable: true })
  state?: ReportState | null;

  @Field(() => ID, { nullable: true, description: 'The reported account.' })
  accountId?: string | null;

  @Field(() => ID, { nullable: true })
  reporterId?: string | null;
}
