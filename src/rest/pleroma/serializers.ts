import sanitizeHtml from 'sanitize-html';
import type { PleromaInviteFragment, PleromaReportFragment, PleromaUserFragment } from '../operations/__generated__/operations';

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

/**
 * One moderation-log item as Akkoma lists it: the message and `data` stored with the audit entry when it
 * was written (Gatehouse's audit module keeps Akkoma's templates), `time` in Unix seconds.
 */
export function pleromaLogItem(e: { id: string; createdAt: string; moderationMessage?: string | null; moderationData?: unknown }) {
  return {
    id: Number(e.id),
    data: (e.moderationData ?? {}) as Record<string, unknown>,
    time: Math.floor(new Date(e.createdAt).getTime() / 1000),
    message: e.moderationMessage ?? '',
  };
}

/** A report's account/actor: the admin User with the Mastodon Account names beside it. */
export function pleromaAccount(u: PleromaUserFragment | null | undefined) {
  if (!u) return null;
  return { ...pleromaUser(u), username: u.username, acct: u.username };
}

/** `expires_at` travels as a date ("2019-04-07"); an invite stays valid through that whole day (UTC). */
export function expiresAtFromDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString();
}

export function dateFromExpiresAt(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return new Date(new Date(iso).getTime() - 1).toISOString().slice(0, 10);
}

export function pleromaInvite(i: PleromaInviteFragment) {
  return {
    id: Number(i.id),
    token: i.token,
    used: i.used,
    expires_at: dateFromExpiresAt(i.expiresAt),
    // Akkoma counts uses of the reusable kinds only; one-time and date-limited invites keep 0.
    uses: i.inviteType === 'REUSABLE' || i.inviteType === 'REUSABLE_DATE_LIMITED' ? i.uses : 0,
    // Akkoma keeps max_use null for the one-use and date-limited kinds.
    max_use: i.inviteType === 'ONE_TIME' || i.inviteType === 'DATE_LIMITED' ? null : (i.maxUses ?? null),
    invite_type: i.inviteType.toLowerCase(),
  };
}

/**
 * admin-fe renders report comments, statuses and notes as HTML (v-html): what anyone typed goes out
 * reduced to a safe subset (sanitize-html), so a note holding `<img onerror=…>` stays inert.
 */
const SAFE_HTML: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a'],
  allowedAttributes: { a: ['href', 'rel', 'class'], span: ['class'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }) },
};
export const safeHtml = (text: string) => sanitizeHtml(text, SAFE_HTML);

export function pleromaReport(r: PleromaReportFragment) {
  return {
    id: r.id,
    account: pleromaAccount(r.account),
    actor: pleromaAccount(r.reporter),
    content: r.comment == null ? null : safeHtml(r.comment),
    created_at: r.createdAt,
    statuses: r.content.map((c) => ({ id: c.id, uri: c.uri, url: c.uri, content: safeHtml(c.text ?? '') })),
    state: r.state,
    notes: r.notes.map((n) => ({
      id: Number(n.id),
      content: safeHtml(n.content),
      // admin-fe shows the author from user.{id, nickname, avatar}; a deleted author keeps their name.
      user: pleromaAccount(n.author) ?? { id: null, nickname: n.authorUsername, avatar: '' },
      created_at: n.createdAt,
    })),
  };
}
