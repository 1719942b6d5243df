import { registerEnumType } from 'type-graphql';
import { assertCanGrant } from '../../permissions/guards';
import { subject } from '../audit/audit.service';
import { BaseService } from '../base.service';
import type { User } from '../users/user.entity';
import { keepingAnAllHolder } from './all-holders';
import { CONCRETE_PRIVILEGES, normalizePrivileges, Privilege } from './privilege.enum';

/** Telodendria's three operations on a user's direct privileges. */
export enum PrivilegeChangeMode {
  REPLACE = 'REPLACE',
  ADD = 'ADD',
  REMOVE = 'REMOVE',
}
registerEnumType(PrivilegeChangeMode, {
  name: 'PrivilegeChangeMode',
  description: 'REPLACE sets the direct privileges; ADD and REMOVE change them (Telodendria POST / PUT / DELETE).',
});

export class PrivilegeService {
  /** Effective privileges: direct ∪ every role's, as a canonical list (["ALL"] when ALL is held). */
  static effective(direct: readonly string[], rolePrivileges: ReadonlyArray<readonly string[]>): Privilege[] {
    return normalizePrivileges([...direct, ...rolePrivileges.flat()]);
  }
}

export class UserPrivilegeService extends BaseService {
  /** `within`: REPLACE only these privileges, keep the others (a dialect that knows part of the catalogue). */
  async set(
    ref: { id?: string | null; username?: string | null },
    privileges: Privilege[],
    mode: PrivilegeChangeMode,
    within?: Privilege[] | null,
  ): Promise<User> {
    // No user named: the viewer's own privileges (Telodendria's /privileges without a localpart).
    const [id] =
      ref.id == null && ref.username == null
        ? [this.viewer.id]
        : await this.ctx.services.users.resolveRefs(ref.id != null ? [ref.id] : null, ref.username != null ? [ref.username] : null);
    const viewer = this.viewer;
    const allowEscalation = await this.allowEscalation();
    return this.tx(
      async (em) => {
        const [user] = await this.ctx.services.users.loadAll(em, [id]);
        await this.ctx.services.users.assertCanActOn(em, [user], allowEscalation);
        const before = normalizePrivileges(user.privileges);
        const given = new Set<string>(privileges);
        let next: Privilege[];
        if (mode === PrivilegeChangeMode.REPLACE && within) {
          const scope = new Set<string>(within);
          next = normalizePrivileges([...user.privileges.filter((p) => !scope.has(p)), ...[...given].filter((p) => scope.has(p))]);
        } else if (mode === PrivilegeChangeMode.REPLACE) next = normalizePrivileges(given);
        else if (mode === PrivilegeChangeMode.ADD) next = normalizePrivileges([...user.privileges, ...given]);
        else {
          // Removing from a holder of ALL expands ALL into every concrete privilege first (Telodendria's
          // `mask & ~removed`); removing ALL itself leaves nothing.
          const base = user.privileges.includes(Privilege.ALL) ? (given.has(Privilege.ALL) ? [] : CONCRETE_PRIVILEGES) : user.privileges;
          next = normalizePrivileges(base.filter((p) => !given.has(p)));
        }
        const changed = [...next.filter((p) => !before.includes(p)), ...before.filter((p) => !next.includes(p))];
        assertCanGrant(viewer, changed, allowEscalation);
        await keepingAnAllHolder(
          em,
          async () => {
            user.privileges = next;
          },
          this.ctx.viewer?.id,
        );
        this.ctx.services.audit.record(em, {
          action: 'privileges.set',
          subjects: [subject.user(user)],
          data: { mode, before, after: next, selfGrant: viewer.id === user.id },
          message: `set privileges of @${user.username} to ${next.join(', ') || 'none'} (was ${before.join(', ') || 'none'})`,
        });
        return user;
      },
      { serializable: true },
    );
  }
}
