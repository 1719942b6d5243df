import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { BadInputError, NotFoundError } from '../../errors/errors';
import { emKnex } from '../../db/db';
import { pageRequest, toPage, type PageArgs } from '../../graphql/pagination';
import { subject } from '../audit/audit.service';
import { BaseService, parseId } from '../base.service';
import { holds, isPrivilege, Privilege } from '../privileges/privilege.enum';
import { decodeStringSet } from '../../db/string-set.type';
import { User } from '../users/user.entity';
import { Report, ReportNote, REPORT_STATES, ReportState } from './report.entity';
import type { FileReportInput, ReportFilter, ReportStateResult, ReportStateUpdate } from './report.inputs';

const reportSubject = (r: Report) => ({ type: 'report', id: String(r.id), name: null });
/** Who filed the report (Akkoma's subject_actor), when the account still exists; `reporter` must be loaded. */
const reporterOf = (r: Report) => (r.reporter ? { id: r.reporter.id, username: r.reporter.username } : null);

/** Sets the open reports about `accountIds` to resolved, inside the caller's transaction. */
export async function resolveOpenReports(em: EntityManager, accountIds: number[]): Promise<number> {
  return emKnex(em)('reports')
    .whereIn('account_id', accountIds)
    .where('state', ReportState.open)
    .update({ state: ReportState.resolved, updated_at: em.getPlatform().processDateProperty(new Date()) as never });
}

export class ReportService extends BaseService {
  private where(filter: ReportFilter | null | undefined): FilterQuery<Report> {
    const where: Record<string, unknown> = {};
    if (filter?.state) where.state = filter.state;
    if (filter?.accountId != null) where.account = parseId(filter.accountId, 'filter.accountId');
    if (filter?.reporterId != null) where.reporter = parseId(filter.reporterId, 'filter.reporterId');
    return where as FilterQuery<Report>;
  }

  /** Newest first; keyset cursors walk ids downwards. */
  async list(filter: ReportFilter | null | undefined, args: PageArgs) {
    const page = pageRequest(args);
    const where = this.where(filter);
    const keyed = page.afterId != null ? { $and: [where, { id: { $lt: page.afterId } }] } : where;
    const rows = await this.em.find(Report, keyed as FilterQuery<Report>, {
      orderBy: { id: 'desc' },
      limit: page.limit + 1,
      offset: page.offset || undefined,
    });
    return { ...toPage(rows, page.limit), count: () => this.em.fork().count(Report, where) };
  }

  async get(id: string): Promise<Report> {
    const report = await this.em.findOne(Report, { id: parseId(id) });
    if (!report) throw new NotFoundError('Report', id);
    return report;
  }

  async file(input: FileReportInput): Promise<Report> {
    const viewer = this.viewer;
    const { reports } = (await this.ctx.settings()).rateLimits;
    await this.ctx.deps.rateLimits.consume([
      [{ keyPrefix: 'report_user', points: reports.perUser, durationSeconds: reports.windowSeconds }, String(viewer.id)],
    ]);
    const accountId = parseId(input.accountId, 'input.accountId');
    return this.tx(async (em) => {
      const account = await em.findOne(User, { id: accountId });
      if (!account) throw new NotFoundError('User', input.accountId);
      const report = em.create(Report, {
        reporter: em.getReference(User, viewer.id),
        account,
        content: input.content.map((c) => ({ id: c.id ?? null, uri: c.uri ?? null, text: c.text ?? null })),
        comment: input.comment ?? null,
      });
      await em.flush();
      this.ctx.services.audit.record(em, {
        action: 'report.create',
        subjects: [reportSubject(report), subject.user(account)],
        data: { content: report.content.length },
        message: `reported @${account.username}`,
      });
      return report;
    });
  }

  /**
   * Akkoma's batch semantics for the answer: a bad id or state fails that item only. The items that can
   * apply do so in one transaction with their audit entries, so a crash never leaves half a batch.
   */
  async setStates(updates: ReportStateUpdate[]): Promise<ReportStateResult[]> {
    if (updates.length === 0 || updates.length > 500) throw new BadInputError('updates must hold 1–500 items.', 'updates');
    const parsed = updates.map((u) => ({
      u,
      id: REPORT_STATES.includes(u.state) && /^[1-9]\d{0,14}$/.test(u.id) ? Number(u.id) : null,
    }));
    const ids = [...new Set(parsed.map((p) => p.id).filter((id): id is number => id !== null))];
    const applied = new Map<number, Report>();
    if (ids.length > 0) {
      await this.tx(async (em) => {
        const found = new Map((await em.find(Report, { id: { $in: ids } }, { populate: ['reporter'] })).map((r) => [r.id, r]));
        for (const { u, id } of parsed) {
          const r = id !== null ? found.get(id) : undefined;
          if (!r) continue;
          const before = r.state;
          r.state = u.state as ReportState;
          this.ctx.services.audit.record(em, {
            action: 'report.update_state',
            subjects: [reportSubject(r)],
            data: { before, after: r.state, reporter: reporterOf(r) },
            message: `set report #${r.id} to ${r.state}`,
          });
          applied.set(r.id, r);
        }
      });
    }
    return parsed.map(({ u, id }): ReportStateResult => {
      if (!REPORT_STATES.includes(u.state)) return { id: u.id, ok: false, code: 'BAD_USER_INPUT', error: `Unsupported state: ${u.state}` };
      const report = id !== null ? applied.get(id) : undefined;
      return report ? { id: u.id, ok: true, report } : { id: u.id, ok: false, code: 'NOT_FOUND', error: `Report not found: ${u.id}` };
    });
  }

  async addNote(reportId: string, content: string): Promise<ReportNote> {
    const viewer = this.viewer;
    if (!content.trim() || content.length > 5000) throw new BadInputError('content must be 1–5000 characters.', 'content');
    return this.tx(async (em) => {
      const report = await em.findOne(Report, { id: parseId(reportId, 'reportId') }, { populate: ['reporter'] });
      if (!report) throw new NotFoundError('Report', reportId);
      const note = em.create(ReportNote, { report, content, authorId: viewer.id, authorUsername: viewer.username });
      await em.flush();
      this.ctx.services.audit.record(em, {
        action: 'report.note',
        subjects: [reportSubject(report)],
        data: { noteId: note.id, content, state: report.state, reporter: reporterOf(report) },
        message: `added a note to report #${report.id}`,
      });
      return note;
    });
  }

  async deleteNote(reportId: string, noteId: string): Promise<string> {
    return this.tx(async (em) => {
      const note = await em.findOne(
        ReportNote,
        { id: parseId(noteId, 'noteId'), report: parseId(reportId, 'reportId') },
        { populate: ['report.reporter'] },
      );
      if (!note) throw new NotFoundError('ReportNote', noteId);
      em.remove(note);
      this.ctx.services.audit.record(em, {
        action: 'report.note_delete',
        subjects: [{ type: 'report', id: reportId, name: null }],
        data: { noteId: note.id, content: note.content, state: note.report.state, reporter: reporterOf(note.report) },
        message: `deleted a note from report #${reportId}`,
      });
      return String(note.id);
    });
  }

  /** Assigns a report to a moderator (someone holding MODERATE_REPORTS), or unassigns it with null. */
  async assign(reportId: string, assigneeId: string | null | undefined): Promise<Report> {
    const assignee = assigneeId != null ? parseId(assigneeId, 'assigneeId') : null;
    if (assignee != null) {
      const privileges = await this.effectivePrivileges(assignee);
      if (privileges === null) throw new NotFoundError('User', assigneeId!);
      if (!holds(privileges, Privilege.MODERATE_REPORTS)) {
        throw new BadInputError('The assignee must hold MODERATE_REPORTS.', 'assigneeId');
      }
    }
    return this.tx(async (em) => {
      const report = await em.findOne(Report, { id: parseId(reportId, 'reportId') });
      if (!report) throw new NotFoundError('Report', reportId);
      report.assignee = assignee != null ? em.getReference(User, assignee) : null;
      this.ctx.services.audit.record(em, {
        action: 'report.assign',
        subjects: [reportSubject(report)],
        data: { assigneeId: assignee },
        message: assignee != null ? `assigned report #${report.id}` : `unassigned report #${report.id}`,
      });
      return report;
    });
  }

  private async effectivePrivileges(userId: number): Promise<Set<Privilege> | null> {
    const user = await this.ctx.loaders.userById.load(userId);
    if (!user) return null;
    const roles = await this.ctx.loaders.rolesByUser.load(userId);
    const set = new Set<Privilege>();
    for (const p of [...user.privileges, ...roles.flatMap((r) => decodeStringSet(r.privileges))]) if (isPrivilege(p)) set.add(p);
    return set;
  }

  /** Reports grouped by reported account, accounts with the newest report first. */
  async grouped(state: ReportState | null | undefined, args: PageArgs) {
    const page = pageRequest({ ...args, after: null });
    const knex = this.ctx.db.knex;
    const base = () => {
      const qb = knex('reports as r');
      if (state) qb.where('r.state', state);
      return qb;
    };
    const rows = (await base()
      .select('r.account_id')
      .count({ n: '*' })
      .max({ last: 'r.id' })
      .groupBy('r.account_id')
      .orderBy('last', 'desc')
      .limit(page.limit)
      .offset(page.offset)) as Array<{ account_id: number; n: unknown }>;
    const accountIds = rows.map((r) => Number(r.account_id));
    const reports = accountIds.length
      ? await this.em.find(Report, { account: { $in: accountIds }, ...(state ? { state } : {}) }, { orderBy: { id: 'desc' } })
      : [];
    const total = async () => Number(((await base().countDistinct({ n: 'r.account_id' }).first()) as { n: unknown }).n);
    return {
      groups: rows.map((r) => ({
        accountId: Number(r.account_id),
        count: Number(r.n),
        reports: reports.filter((rep) => rep.account.id === Number(r.account_id)),
      })),
      total,
    };
  }
}
