import { AuthService } from '../auth/auth.service';
import type { Context } from '../graphql/context';
import { AuditService } from './audit/audit.service';
import { GroupService } from './groups/group.service';
import { UserPrivilegeService } from './privileges/privilege.service';
import { RoleService } from './roles/role.service';
import { UserService } from './users/user.service';

/** The services of one request, created on first use. */
export class Services {
  constructor(private readonly ctx: Context) {}

  private cache = new Map<string, unknown>();

  private lazy<T>(key: string, make: () => T): T {
    let s = this.cache.get(key) as T | undefined;
    if (!s) {
      s = make();
      this.cache.set(key, s);
    }
    return s;
  }

  get auth() {
    return this.lazy('auth', () => new AuthService(this.ctx));
  }
  get audit() {
    return this.lazy('audit', () => new AuditService(this.ctx));
  }
  get users() {
    return this.lazy('users', () => new UserService(this.ctx));
  }
  get roles() {
    return this.lazy('roles', () => new RoleService(this.ctx));
  }
  get groups() {
    return this.lazy('groups', () => new GroupService(this.ctx));
  }
  get privileges() {
    return this.lazy('privileges', () => new UserPrivilegeService(this.ctx));
  }
}
