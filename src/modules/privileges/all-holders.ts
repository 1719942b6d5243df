import type { EntityManager } from '@mikro-orm/core';
import { emKnex } from '../../db/db';
import { ConflictError, ForbiddenError } from '../../errors/errors';
import { setMemberPattern } from '../../db/string-set.type';

/** Active users holding ALL (only `userId` when given), directly or through a role, counted inside the caller's transaction. */
export async function countAllHolders(em: EntityManager, userId?: number): Promise<number> {
  const knex = emKnex(em);
  const pattern = setMemberPattern('ALL');
  const qb = knex('users as u');
  if (userId != null) qb.where('u.id', userId);
  const row = await qb
    .where('u.active', true)
    .where((w) =>
      w
        .whereRaw(`u.privileges LIKE ? ESCAPE '\\'`, [pattern])
        .orWhereExists(
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
 * of ALL: a deployment must always keep someone who can administer it. With `actorId`, it also fails
 * when the change took ALL from the actor themself, by whatever path (a role, a direct grant, a role's
 * privileges, deactivation): nobody removes their own last way to ALL by accident or in a race.
 */
export async function keepingAnAllHolder<T>(em: EntityManager, change: () => Promise<T>, actorId?: number | null): Promise<T> {
  const before = await countAllHolders(em);
  const actorBefore = actorId != null ? await countAllHolders(em, actorId) : 0;
  const result = await change();
  await em.flush();
  if (before > 0 && (await countAllHolders(em)) === 0) {
    throw new ConflictError('This would remove the last active holder of the ALL privilege.', {
      reason: 'LAST_ALL_HOLDER',
    });
  }
  if (actorBefore > 0 && (await countAllHolders(em, actorId!)) === 0) {
    throw new ForbiddenError("You can't remove your own ALL privilege: another administrator has to.", { reason: 'OWN_ALL' });
  }
  return result;
}
