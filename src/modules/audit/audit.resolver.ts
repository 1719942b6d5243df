import { IsOptional, MaxLength } from 'class-validator';
import { Arg, Args, Ctx, Field, ID, InputType, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { Connection, PageArgs, pageRequest, toPage } from '../../graphql/pagination';
import { parseId } from '../base.service';
import { AuditEntry } from './audit-entry.entity';

const AuditEntryConnection = Connection('AuditEntry', AuditEntry);

@InputType()
export class AuditFilter {
  @Field(() => ID, { nullable: true, description: 'Entries by this user.' })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'An action (user.deactivate) or a family (user).' })
  @IsOptional()
  @MaxLength(64)
  action?: string | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: 'Substring of the message (of the moderation message with moderation: true).' })
  @IsOptional()
  @MaxLength(256)
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Only entries Akkoma's moderation log shows (moderationMessage not null)." })
  moderation?: boolean | null;
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: 'The audit (moderation) log, newest first.' })
  async auditLog(
    @Ctx() { services }: Context,
    @Args() args: PageArgs,
    @Arg('filter', () => AuditFilter, { nullable: true }) filter?: AuditFilter,
  ) {
    const page = pageRequest(args);
    const { rows, count } = await services.audit.list(
      { ...filter, actorId: filter?.actorId != null ? parseId(filter.actorId, 'filter.actorId') : null },
      page,
    );
    const { nodes, pageInfo } = toPage(rows, page.limit);
    return new AuditEntryConnection(nodes, pageInfo, count);
  }
}
