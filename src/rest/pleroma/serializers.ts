import type { PleromaUserFragment } from '../operations/__generated__/operations';

/**
 * Akkoma's admin User (AccountView "show.json"), with the older field names beside the current ones
 * (`deactivated`, `confirmation_pending`, `approval_pending`): clients of both generations read it.
 */
export function pleromaUser(u: PleromaUserFragment) {
  const roles = new Set(u.roles.map((r) => r.name));
  return {
    id: u.id,
    email: u.email ?? null,
    avatar: '',
    nickname: u.username,
    display_name: u.displayName ?? u.username,
    is_active: u.active,
    local: true,
    roles: { admin: roles.has('admin'), moderator: roles.has('moderator') },
    tags: u.tags,
    is_confirmed: u.emailConfirmed,
    is_approved: u.approved,
    is_suggested: false,
    url: `/users/${u.username}`,
    registration_reason: null,
    actor_type: 'Person',
    created_at: u.createdAt,
    deactivated: !u.active,
    confirmation_pending: !u.emailConfirmed,
    approval_pending: !u.approved,
  };
}

/** Gatehouse audit actions under the names Akkoma's moderation log uses. */
const ACTIONS: Record<string, string> = {
  'user.create': 'create',
  'user.delete': 'delete',
  'user.activate': 'activate',
  'user.deactivate': 'deactivate',
  'user.tag': 'tag',
  'user.untag': 'untag',
  'role.assign': 'grant',
  'role.unassign': 'revoke',
  'report.update_state': 'report_update',
  'report.note': 'report_note',
  'report.note_delete': 'report_note_delete',
};

export interface AuditNode {
  id: string;
  actorId?: string | null;
  actorUsername?: string | null;
  action: string;
  subjects: Array<{ type: string; id: string; name?: string | null }>;
  data?: unknown;
  message: string;
  createdAt: string;
}

export function pleromaLogItem(e: AuditNode) {
  const users = e.subjects.filter((s) => s.type === 'user').map((s) => ({ id: s.id, nickname: s.name }));
  return {
    id: Number(e.id),
    data: {
      actor: { id: e.actorId ?? null, nickname: e.actorUsername ?? null, type: 'user' },
      action: ACTIONS[e.action] ?? e.action,
      subject: users,
      ...(e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {}),
      message: e.message,
    },
    time: Math.floor(new Date(e.createdAt).getTime() / 1000),
    message: `[${e.createdAt}] ${e.message}`,
  };
}
