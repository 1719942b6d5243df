import { AuthService } from './auth/auth.service';
import type { Context } from './context';
import { AuditService } from './audit/audit.service';
import { GroupService } from './groups/group.service';
import { UserPrivilegeService } from './privileges/privilege.service';
import { RoleService } from './roles/role.service';
import { UserService } from './users/user.service';
import { RegistrationService } from './users/registration.service';
import { InviteService } from './invites/invite.service';
import { ReportService } from './reports/report.service';
import { SettingsService } from './settings/settings.service';
import { ProcessService } from './process/process.service';
import { KvService } from './kv/kv.service';
import { AccountService } from './users/account.service';
import { MfaService } from './auth/mfa.service';

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
  get mfa() {
    return this.lazy('mfa', () => new MfaService(this.ctx));
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
  get registration() {
    return this.lazy('registration', () => new RegistrationService(this.ctx));
  }
  get invites() {
    return this.lazy('invites', () => new InviteService(this.ctx));
  }
  get reports() {
    return this.lazy('reports', () => new ReportService(this.ctx));
  }
  get settings() {
    return this.lazy('settings', () => new SettingsService(this.ctx));
  }
  get process() {
    return this.lazy('process', () => new ProcessService(this.ctx));
  }
  get kv() {
    return this.lazy('kv', () => new KvService(this.ctx));
  }
  get accounts() {
    return this.lazy('accounts', () => new AccountService(this.ctx));
  }
  get privileges() {
    return this.lazy('privileges', () => new UserPrivilegeService(this.ctx));
  }
}
