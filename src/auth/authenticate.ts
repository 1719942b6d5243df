import type { Db } from '../db/db';
import type { FastifyBaseLogger } from 'fastify';
import { decodeStringSet } from '../db/string-set.type';
import { toBool, toDate, toDateOrNull } from '../db/rows';
import { type Privilege, isPrivilege } from '../shared/privileges';
import { hashToken } from './tokens';
import { looksLikeJwt, type JwtSigner } from './jwt';

export interface Viewer {
  id: number;
  username: string;
  tokenId: number;
  /** Effective privileges: direct ∪ every role's. Contains ALL when ALL is held. */
  privileges: ReadonlySet<Privilege>;
  roles: readonly string[];
}

/** token ⋈ user ⋈ roles, one row per role; a constant text (quoted aliases keep their case on PostgreSQL). */
const AUTH_SQL = `select t.id as "tokenId", t.expires_at as "expiresAt", t.last_used_at as "lastUsedAt",
  u.id as "userId", u.username as "username", u.active as "active", u.privileges as "privileges",
  r.name as "roleName", r.privileges as "rolePrivileges"
from access_tokens t
join users u on u.id = t.user_id
left join user_roles ur on ur.user_id = u.id
left join roles r on r.id = ur.role_id
where t.token_hash = ?`;

/** Write lastUsedAt at most this often per token, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Resolves a bearer token to its viewer in one query (token ⋈ user ⋈ roles). Unknown, expired and
 * deactivated answer null: revocation and deactivation take effect on the very next request.
 */
export async function authenticate(db: Db, token: string, log: FastifyBaseLogger, jwt?: JwtSigner): Promise<Viewer | null> {
  // A JWT must carry a valid signature and expiry before the database is asked about it.
  if (looksLikeJwt(token) && !(jwt && (await jwt.verify(token)))) return null;
  const rows = await db.rows(AUTH_SQL, [hashToken(token)]);
  if (rows.length === 0) return null;
  const first = rows[0];
  const now = Date.now();
  if (!toBool(first.active) || toDate(first.expiresAt).getTime() <= now) return null;

  const privileges = new Set<Privilege>();
  const roles: string[] = [];
  for (const p of decodeStringSet(first.privileges as string)) if (isPrivilege(p)) privileges.add(p);
  for (const row of rows) {
    if (row.roleName == null) continue;
    roles.push(String(row.roleName));
    for (const p of decodeStringSet(row.rolePrivileges as string)) if (isPrivilege(p)) privileges.add(p);
  }

  const tokenId = Number(first.tokenId);
  const lastUsed = toDateOrNull(first.lastUsedAt)?.getTime() ?? 0;
  if (now - lastUsed > LAST_USED_RESOLUTION_MS) {
    db.writer('access_tokens')
      .where('id', tokenId)
      .update({ last_used_at: db.date(new Date(now)) })
      .catch((err: unknown) => log.warn({ err }, 'could not record token use'));
  }
  return { id: Number(first.userId), username: String(first.username), tokenId, privileges, roles };
}
