import type { AuditSubjectRef } from './audit-entry.entity';

/**
 * Akkoma's moderation log, as a view of Gatehouse's audit log: which Gatehouse actions Akkoma would
 * log, under which action name, with which `data` keys and exactly which message. Computed when the
 * entry is written (Akkoma stores the message and searches it), so the search, the texts and the
 * scripts matching on them behave as upstream. Actions Akkoma does not log (sign-ins, invites,
 * settings, privileges) have no moderation record and stay in the audit log only.
 */
export interface ModerationRecord {
  message: string;
  data: Record<string, unknown>;
}

interface Entry {
  action: string;
  actor: { id: number; username: string } | null;
  subjects: readonly AuditSubjectRef[];
  data: Record<string, unknown> | null;
}

type UserMap = { id: string; nickname: string; type: 'user' };

const userMap = (id: string | number, nickname: string): UserMap => ({ id: String(id), nickname, type: 'user' });

function usersOf(e: Entry): UserMap[] {
  return e.subjects.filter((s) => s.type === 'user').map((s) => userMap(s.id, s.name ?? ''));
}

const atList = (users: readonly { nickname: string }[]) => users.map((u) => `@${u.nickname}`).join(', ');

function reportMap(e: Entry): Record<string, unknown> {
  const report = e.subjects.find((s) => s.type === 'report');
  const state = e.data?.after ?? e.data?.state;
  return { type: 'report', id: report?.id ?? null, ...(state ? { state } : {}) };
}

function reporterOf(e: Entry): UserMap | null {
  const r = e.data?.reporter as { id?: unknown; username?: unknown } | undefined;
  return r && r.id != null && typeof r.username === 'string' ? userMap(String(r.id), r.username) : null;
}

/** A template per Akkoma action: the message after `@actor `, and the action's own `data` keys. */
type Template = (e: Entry, users: UserMap[]) => { action: string; text: string; keys: Record<string, unknown> } | null;

const forUsers =
  (action: string, verb: string, key: 'subject' | 'subjects' = 'subject'): Template =>
  (_e, users) => ({ action, text: `${verb}: ${atList(users)}`, keys: { [key]: users } });

/** Only accounts acted on by someone else: a user confirming their own email is no moderation. */
const byAnother =
  (t: Template): Template =>
  (e, users) =>
    e.actor && users.every((u) => u.id !== String(e.actor!.id)) ? t(e, users) : null;

/** A report note added or deleted: `… note '{text}' to|from report #{id} on user @{reporter}`. */
function noteTemplate(action: string, verb: string, preposition: 'to' | 'from'): Template {
  return (e) => {
    const report = reportMap(e);
    const reporter = reporterOf(e);
    const text = String(e.data?.content ?? '');
    return {
      action,
      text: `${verb} '${text}' ${preposition} report #${String(report.id)}${reporter ? ` on user @${reporter.nickname}` : ''}`,
      keys: { subject: report, subject_actor: reporter, text },
    };
  };
}

const TEMPLATES: Record<string, Template> = {
  'user.delete': forUsers('delete', 'deleted users'),
  'user.create': forUsers('create', 'created users', 'subjects'),
  'user.activate': forUsers('activate', 'activated users'),
  'user.deactivate': forUsers('deactivate', 'deactivated users'),
  'user.approve': forUsers('approve', 'approved users'),
  'user.force_password_reset': forUsers('force_password_reset', 'forced password reset for users'),
  'user.confirm_email': byAnother(forUsers('confirm_email', 'confirmed email for users')),
  'user.resend_confirmation': forUsers('resend_confirmation_email', 're-sent confirmation email for users'),
  'user.update': byAnother(forUsers('updated_users', 'updated users')),
  'user.tag': (e, users) => {
    const tags = (e.data?.tags as string[] | undefined) ?? [];
    const nicknames = users.map((u) => u.nickname);
    return { action: 'tag', text: `added tags: ${tags.join(', ')} to users: ${atList(users)}`, keys: { nicknames, tags } };
  },
  'user.untag': (e, users) => {
    const tags = (e.data?.tags as string[] | undefined) ?? [];
    const nicknames = users.map((u) => u.nickname);
    return { action: 'untag', text: `removed tags: ${tags.join(', ')} from users: ${atList(users)}`, keys: { nicknames, tags } };
  },
  // Akkoma's permission groups are the built-in admin and moderator roles; other roles are not its to log.
  'role.assign': (e, users) => {
    const permission = e.data?.role;
    if (permission !== 'admin' && permission !== 'moderator') return null;
    return { action: 'grant', text: `made ${atList(users)} ${permission}`, keys: { subject: users, permission } };
  },
  'role.unassign': (e, users) => {
    const permission = e.data?.role;
    if (permission !== 'admin' && permission !== 'moderator') return null;
    return { action: 'revoke', text: `revoked ${permission} role from ${atList(users)}`, keys: { subject: users, permission } };
  },
  'report.update_state': (e) => {
    const report = reportMap(e);
    const reporter = reporterOf(e);
    return {
      action: 'report_update',
      text: `updated report #${String(report.id)}${reporter ? ` (on user @${reporter.nickname})` : ''} with '${String(report.state)}' state`,
      keys: { subject: report, subject_actor: reporter },
    };
  },
  'report.note': noteTemplate('report_note', 'added note', 'to'),
  'report.note_delete': noteTemplate('report_note_delete', 'deleted note', 'from'),
};

/** The Akkoma moderation-log record of an audit entry, or null when Akkoma would not log it. */
export function moderationRecord(e: Entry): ModerationRecord | null {
  const template = TEMPLATES[e.action];
  if (!template || !e.actor) return null;
  const made = template(e, usersOf(e));
  if (!made) return null;
  const message = `@${e.actor.username} ${made.text}`;
  return {
    message,
    data: { actor: userMap(e.actor.id, e.actor.username), action: made.action, ...made.keys, message },
  };
}
