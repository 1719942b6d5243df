import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { getMetadataStorage, validateOrReject, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, buildSchemaSync } from 'type-graphql';
import { AuditResolver } from './modules/audit/audit.resolver';
import { GroupResolver } from './modules/groups/group.resolver';
import { PrivilegeResolver } from './modules/privileges/privilege.resolver';
import { RoleResolver } from './modules/roles/role.resolver';
import { UserResolver } from './modules/users/user.resolver';
import { InviteResolver } from './modules/invites/invite.resolver';
import { ReportGroupResolver, ReportNoteResolver, ReportResolver } from './modules/reports/report.resolver';
import { SettingsResolver } from './modules/settings/settings.resolver';
import { ProcessResolver } from './modules/process/process.resolver';
import { KvResolver } from './modules/kv/kv.resolver';
import { MfaResolver } from './modules/auth/mfa.resolver';
import { ClientAppResolver } from './modules/clients/client-app.resolver';
import { AccountResolver } from './modules/users/account.resolver';
import { ServerInfoResolver } from './modules/settings/server-info.resolver';
import { permissions } from './permissions/permissions';

export const RESOLVERS = [
  UserResolver,
  RoleResolver,
  GroupResolver,
  AuditResolver,
  PrivilegeResolver,
  InviteResolver,
  ReportResolver,
  ReportGroupResolver,
  ReportNoteResolver,
  SettingsResolver,
  ProcessResolver,
  KvResolver,
  MfaResolver,
  ClientAppResolver,
  AccountResolver,
  ServerInfoResolver,
] as const;

const VALIDATOR_OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

/** Input-type instances carry class-validator rules; plain objects are JSON scalars (never validated). */
const isInputInstance = (v: unknown): v is object => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto !== null && proto !== Object.prototype && proto !== Array.prototype;
};

const hasRules = new WeakMap<object, boolean>();

/**
 * Whether class-validator holds any rule for an input class (its own or inherited). With none, and
 * unknown values allowed, validating finds nothing: asking class-validator costs a scan of every
 * class's metadata per argument (the page arguments of every list, for instance). Decorators run at
 * import, so the answer per class never changes.
 */
function carriesRules(value: object): boolean {
  const ctor = value.constructor;
  let rules = hasRules.get(ctor);
  if (rules === undefined) {
    rules = getMetadataStorage().getTargetValidationMetadatas(ctor, '', false, false).length > 0;
    hasRules.set(ctor, rules);
  }
  return rules;
}

const needsValidation = (v: unknown): v is object => isInputInstance(v) && carriesRules(v);

/** Validates input objects (and lists of them) as type-graphql's default does. */
export async function validateArgument(value: unknown): Promise<void> {
  if (value === null || typeof value !== 'object') return;
  try {
    if (Array.isArray(value)) {
      const validated = value.filter(needsValidation);
      if (validated.length > 0) await Promise.all(validated.map((v) => validateOrReject(v, VALIDATOR_OPTIONS)));
    } else if (needsValidation(value)) {
      await validateOrReject(value, VALIDATOR_OPTIONS);
    }
  } catch (err) {
    throw new ArgumentValidationError(err as never);
  }
}

let cached: GraphQLSchema | undefined;

/** The type-graphql schema without permissions: what schema.graphql prints. */
export function buildBaseSchema(): GraphQLSchema {
  cached ??= buildSchemaSync({
    resolvers: RESOLVERS,
    // class-validator imported once: type-graphql's default path re-imports it (a copy of every
    // export) for each validated argument of each request.
    validateFn: validateArgument,
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
