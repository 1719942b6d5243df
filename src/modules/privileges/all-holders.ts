import type { EntityManager } from '@mikro-orm/core';
import { emKnex } from '../../db/db';
import { ConflictError } from '../../errors/errors';
import { setMemberPattern } from '../../db/string-set.type';

/** Active users holding ALL, directly or through a role, counted inside the caller's transaction. */
export async function countAllHolders(em: EntityManager): Promise<number> {
  const knex = emKnex(em);
  const pattern = setMemberPattern('ALL');
  const row = await knex('users as u')
    .where('u.active', true)
    .where((w) =>
      w.whereRaw(`u.privileges LIKE ? ESCAPE '\\'`, [pattern]).orWhereExists(
        knex('user_roles as ur')
          .join('roles as r', 'r.id', 'ur.role_id')
          .whereRaw('ur.user_id = u.id')
          .whereRaw(`r.privileges LIKE ? ESCAPE '\\'`, [pattern]),
      ),
    )
    .count({ n: '*' })
    .first();
  return Number((row as { n: unknown }).n);
}

/**
 * Runs `change` (which must flush its writes) and fails the transaction if it removed the last holder
 * of ALL: a deployment must always keep someone who can administer it.
 */
export async function keepingAnAllHolder<T>(em: EntityManager, change: () => Promise<T>): Promise<T> {
  const before = await countAllHolders(em);
  const result = await change();
  await em.flush();
  if (before > 0 && (await countAllHolders(em)) === 0) {
    throw new ConflictError('This would remove the last active holder of the ALL privilege.', {
      reason: 'LAST_ALL_HOLDER',
    });
  }
  return result;
}
