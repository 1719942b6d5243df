import type { EntityManager } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { BaseService } from '../base.service';
import { likeContains } from '../../db/db';
import { toDate } from '../../db/rows';
import type { PageRequest } from '../../graphql/pagination';
import { AuditEntry, type AuditSubjectRef } from './audit-entry.entity';
import { moderationRecord } from './moderation-log';

export interface AuditRecordInput {
  action: string;
  subjects?: AuditSubjectRef[];
  data?: Record<string, unknown> | null;
  message: string;
  /** Who acted, when not the viewer (sign-in, registration: the session is not the viewer yet). */
  actor?: { id: number; username: string } | null;
}

export interface AuditFilterValues {
  actorId?: number | null;
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
  search?: string | null;
  /** Only what Akkoma's moderation log shows; `search` then matches its message, as upstream. */
  moderation?: boolean | null;
}

export const subject = {
  user: (u: { id: number; username: string }): AuditSubjectRef => ({ type: 'user', id: String(u.id), name: u.username }),
  role: (r: { id: number; name: string }): AuditSubjectRef => ({ type: 'role', id: String(r.id), name: r.name }),
  group: (g: { id: number; name: string }): AuditSubjectRef => ({ type: 'group', id: String(g.id), name: g.name }),
};

function mapAuditRow(r: Record<string, unknown>): AuditEntry {
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    id: Number(r.id),
    actorId: r.actor_id == null ? null : Number(r.actor_id),
    actorUsername: (r.actor_username as string | null) ?? null,
    action: String(r.action),
    subjects: parse(r.subjects) ?? [],
    data: parse(r.data) ?? null,
    message: String(r.message),
    createdAt: toDate(r.created_at),
    moderationMessage: (r.moderation_message as string | null) ?? null,
    moderationData: parse(r.moderation_data) ?? null,
  };
}

/** The append-only audit log: written in the caller's transaction, read with filters. Never updated or deleted. */
export class AuditService extends BaseService {
  /** Persists one entry in `em`; the caller's flush writes it together with the change it records. */
  record(em: EntityManager, input: AuditRecordInput): AuditEntry {
    const actor = input.actor !== undefined ? input.actor : this.ctx.viewer;
    const moderation = moderationRecord({
      action: input.action,
      actor: actor ? { id: actor.id, username: actor.username } : null,
      subjects: input.subjects ?? [],
      data: input.data ?? null,
    });
    const entry = em.create(AuditEntry, {
      moderationMessage: moderation?.message ?? null,
      moderationData: moderation?.data ?? null,
      actorId: actor?.id ?? null,
      actorUsername: actor?.username ?? null,
      action: input.action,
      subjects: input.subjects ?? [],
      data: input.data ?? null,
      message: `${actor ? `@${actor.username}` : 'system'} ${input.message}`,
    });
    em.persist(entry);
    return entry;
  }

  private filtered(qb: Knex.QueryBuilder, f: AuditFilterValues): Knex.QueryBuilder {
    const db = this.ctx.db;
    if (f.actorId != null) qb.where('a.actor_id', f.actorId);
    if (f.action) {
      // "user" matches every user.* action; "user.deactivate" only itself.
      if (f.action.includes('.')) qb.where('a.action', f.action);
      else
        qb.where((w) =>
          w.where('a.action', f.action!).orWhereRaw(`a.action LIKE ? ESCAPE '\\'`, [`${likeContains(f.action!).slice(1, -1)}.%`]),
        );
    }
    if (f.from) qb.where('a.created_at', '>=', db.date(f.from));
    if (f.to) qb.where('a.created_at', '<=', db.date(f.to));
    if (f.moderation) qb.whereNotNull('a.moderation_message');
    if (f.search) qb.whereRaw(db.ilike(f.moderation ? 'a.moderation_message' : 'a.message'), [likeContains(f.search)]);
    return qb;
  }

  /** Newest first; the keyset cursor walks ids downwards. */
  async list(filter: AuditFilterValues, page: PageRequest) {
    const { knex } = this.ctx.db;
    const qb = this.filtered(knex('audit_entries as a').select('a.*'), filter);
    if (page.afterId != null) qb.where('a.id', '<', page.afterId);
    qb.orderBy('a.id', 'desc').limit(page.limit + 1);
    if (page.offset) qb.offset(page.offset);
    const rows = ((await qb) as Array<Record<string, unknown>>).map(mapAuditRow);
    const count = async () => {
      const r = await this.filtered(knex('audit_entries as a').count({ n: '*' }), filter).first();
      return Number((r as { n: unknown }).n);
    };
    return { rows, count };
  }
}
