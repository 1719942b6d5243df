import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchemaSync } from 'type-graphql';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { GroupResolver } from '../modules/groups/group.resolver';
import { PrivilegeResolver } from '../modules/privileges/privilege.resolver';
import { RoleResolver } from '../modules/roles/role.resolver';
import { UserResolver } from '../modules/users/user.resolver';
import { InviteResolver } from '../modules/invites/invite.resolver';
import { ReportGroupResolver, ReportResolver } from '../modules/reports/report.resolver';
import { SettingsResolver } from '../modules/settings/settings.resolver';
import { ProcessResolver } from '../modules/process/process.resolver';
import { KvResolver } from '../modules/kv/kv.resolver';
import { ClientAppResolver } from '../modules/clients/client-app.resolver';
import { AccountResolver } from '../modules/users/account.resolver';
import { ServerInfoResolver } from '../modules/settings/server-info.resolver';
import { permissions } from '../permissions/permissions';

export const RESOLVERS = [
  UserResolver,
  RoleResolver,
  GroupResolver,
  AuditResolver,
  PrivilegeResolver,
  InviteResolver,
  ReportResolver,
  ReportGroupResolver,
  SettingsResolver,
  ProcessResolver,
  KvResolver,
  ClientAppResolver,
  AccountResolver,
  ServerInfoResolver,
] as const;

let cached: GraphQLSchema | undefined;

/** The type-graphql schema without permissions: what schema.graphql prints. */
export function buildBaseSchema(): GraphQLSchema {
  cached ??= buildSchemaSync({
    resolvers: RESOLVERS,
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
  return cached;
}

/** The executable schema: the base schema with the permission map applied to every field. */
export function buildSchema(): GraphQLSchema {
  const base = buildBaseSchema();
  return applyMiddleware(base, permissions(base));
}

export function printSchemaSdl(schema: GraphQLSchema = buildBaseSchema()): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
