import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { Connection, PageArgs } from '../../graphql/pagination';
import { User } from '../users/user.entity';
import { Report, ReportNote, ReportState } from './report.entity';
import { FileReportInput, ReportFilter, ReportStateResult, ReportStateUpdate } from './report.inputs';

const ReportConnection = Connection('Report', Report);

@ObjectType({ description: 'The reports about one account.' })
export class ReportGroup {
  accountId!: number;

  @Field(() => Int)
  count!: number;

  @Field(() => [Report], { description: 'Newest first.' })
  reports!: Report[];
}

@ObjectType()
export class ReportGroupList {
  @Field(() => [ReportGroup])
  groups!: ReportGroup[];

  private readonly counter!: () => Promise<number>;

  constructor(groups: ReportGroup[], counter: () => Promise<number>) {
    this.groups = groups;
    this.counter = counter;
  }

  @Field(() => Int, { description: 'Accounts with matching reports.' })
  totalCount(): Promise<number> {
    return this.counter();
  }
}

@Resolver(() => ReportGroup)
export class ReportGroupResolver {
  @FieldResolver(() => User, { nullable: true })
  account(@Root() g: ReportGroup, @Ctx() { loaders }: Context) {
    return loaders.userById.load(g.accountId);
  }
}

@Resolver(() => Report)
export class ReportResolver {
  @Query(() => ReportConnection, { description: 'Reports, newest first.' })
  async reports(
    @Ctx() { services }: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => ReportFilter, { nullable: true }) filter?: ReportFilter,
  ) {
    const { nodes, pageInfo, count } = await services.reports.list(filter, page);
    return new ReportConnection(nodes, pageInfo, count);
  }

  @Query(() => Report, { nullable: true })
  report(@Ctx() { services }: Context, @Arg('id', () => ID) id: string) {
    return services.reports.get(id);
  }

  @Query(() => ReportGroupList, { description: 'Reports grouped by reported account, the most recently reported first.' })
  async reportsByAccount(
    @Ctx() { services }: Context,
    @Args() page: PageArgs,
    @Arg('state', () => ReportState, { nullable: true }) state?: ReportState,
  ) {
    const { groups, total } = await services.reports.grouped(state, page);
    return new ReportGroupList(groups, total);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Null once that account is deleted.' })
  reporter(@Root() r: Report, @Ctx() { loaders }: Context) {
    return r.reporter ? loaders.userById.load(r.reporter.id) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  account(@Root() r: Report, @Ctx() { loaders }: Context) {
    return loaders.userById.load(r.account.id);
  }

  @FieldResolver(() => User, { nullable: true })
  assignee(@Root() r: Report, @Ctx() { loaders }: Context) {
    return r.assignee ? loaders.userById.load(r.assignee.id) : null;
  }

  @FieldResolver(() => [ReportNote])
  notes(@Root() r: Report, @Ctx() { loaders }: Context) {
    return loaders.notesByReport.load(r.id);
  }

  @Mutation(() => Report, { description: 'Reports an account (any signed-in user; rate-limited).' })
  fileReport(@Ctx() { services }: Context, @Arg('input', () => FileReportInput) input: FileReportInput) {
    return services.reports.file(input);
  }

  @Mutation(() => [ReportStateResult], { description: 'Changes report states; one result per item, each atomic.' })
  setReportStates(@Ctx() { services }: Context, @Arg('updates', () => [ReportStateUpdate]) updates: ReportStateUpdate[]) {
    return services.reports.setStates(updates);
  }

  @Mutation(() => ReportNote)
  addReportNote(@Ctx() { services }: Context, @Arg('reportId', () => ID) reportId: string, @Arg('content') content: string) {
    return services.reports.addNote(reportId, content);
  }

  @Mutation(() => ID, { description: 'Deletes a note; answers its id.' })
  deleteReportNote(@Ctx() { services }: Context, @Arg('reportId', () => ID) reportId: string, @Arg('noteId', () => ID) noteId: string) {
    return services.reports.deleteNote(reportId, noteId);
  }

  @Mutation(() => Report, { description: 'Assigns a report to a moderator, or unassigns it (assigneeId null).' })
  assignReport(
    @Ctx() { services }: Context,
    @Arg('reportId', () => ID) reportId: string,
    @Arg('assigneeId', () => ID, { nullable: true }) assigneeId?: string,
  ) {
    return services.reports.assign(reportId, assigneeId);
  }
}

@Resolver(() => ReportNote)
export class ReportNoteResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The note’s author; null once that account is deleted.' })
  author(@Root() note: ReportNote, @Ctx() { loaders }: Context) {
    return note.authorId == null ? null : loaders.userById.load(note.authorId);
  }
}
