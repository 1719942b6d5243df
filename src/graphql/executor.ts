import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  execute,
  getNamedType,
  isInputObjectType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** Which executor ran an operation, and why graphql-js when it was not the compiled one. */
export type ExecutionPath = 'compiled' | 'mutation' | 'introspection' | 'input-defaults' | 'variables' | 'not-compiled' | 'disabled';

/**
 * Whether an input type, or any input type under it, declares a field default. graphql-jit does not
 * apply input-field defaults to values given through variables (graphql-jit #142): such operations run
 * on graphql-js.
 */
function hasInputDefaults(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => f.defaultValue !== undefined || hasInputDefaults(f.type, seen));
}

/** Why an operation must run on graphql-js whatever its variables, or null when it may be compiled. */
function shapeProblem(schema: GraphQLSchema, operation: OperationDefinitionNode): ExecutionPath | null {
  // Mutations run their root fields one after another and must stop exactly as graphql-js does.
  if (operation.operation !== 'query') return 'mutation';
  if (operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'))) return 'introspection';
  for (const def of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType | undefined;
    if (!type || hasInputDefaults(type)) return 'input-defaults';
  }
  return null;
}

interface Plan {
  path: ExecutionPath;
  compiled?: CompiledQuery;
}

/**
 * Runs query operations through graphql-jit (a query compiled once per document and operation into
 * plain JavaScript) where that is exactly what graphql-js would do, and everything else through
 * graphql-js. The schema is the same executable schema (the permission middleware wraps the same
 * resolvers); validation, the request guard and error formatting stay Apollo's. An operation runs on
 * graphql-js when it is a mutation, touches introspection, declares a variable of an input type with a
 * field default, or when its variables do not coerce cleanly (graphql-js then answers the error).
 */
export class OperationExecutor {
  private readonly plans = new WeakMap<DocumentNode, Map<string, Plan>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly enabled: boolean,
    private readonly onExecute: (path: ExecutionPath) => void = () => {},
  ) {}

  private plan(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null): Plan {
    let byName = this.plans.get(document);
    if (!byName) this.plans.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let plan = byName.get(key);
    if (!plan) {
      const problem = this.enabled ? shapeProblem(this.schema, operation) : 'disabled';
      if (problem) plan = { path: problem };
      else {
        const compiled = compileQuery(this.schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
        plan = isCompiledQuery(compiled) ? { path: 'compiled', compiled } : { path: 'not-compiled' };
      }
      byName.set(key, plan);
    }
    return plan;
  }

  /** The path an operation with these variables takes (exported for the tests and the metric). */
  pathFor(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null, variables: Record<string, unknown>) {
    const plan = this.plan(document, operation, operationName);
    if (plan.path !== 'compiled') return plan;
    const defs = operation.variableDefinitions ?? [];
    if (defs.length > 0) {
      const coerced = getVariableValues(this.schema, defs, variables, { maxErrors: 1 });
      if ('errors' in coerced && coerced.errors) return { path: 'variables' as const };
    }
    return plan;
  }

  async run(args: {
    document: DocumentNode;
    operation: OperationDefinitionNode;
    operationName: string | null;
    variables: Record<string, unknown>;
    context: unknown;
  }): Promise<ExecutionResult> {
    const plan = this.pathFor(args.document, args.operation, args.operationName, args.variables);
    this.onExecute(plan.path);
    if (plan.compiled) return (await plan.compiled.query(undefined, args.context, args.variables)) as ExecutionResult;
    return execute({
      schema: this.schema,
      document: args.document,
      contextValue: args.context,
      variableValues: args.variables,
      operationName: args.operationName ?? undefined,
    });
  }

  /** Apollo Server's gateway interface: the one way to hand it an executor of our own. */
  gateway(): GatewayInterface {
    const executor: GatewayExecutor = async (rc) =>
      (await this.run({
        document: rc.document,
        operation: rc.operation,
        operationName: rc.operationName,
        variables: rc.request.variables ?? {},
        context: rc.context,
      })) as Awaited<ReturnType<GatewayExecutor>>;
    return {
      onSchemaLoadOrUpdate: (callback) => {
        callback({ apiSchema: this.schema, coreSupergraphSdl: '' });
        return () => {};
      },
      load: async () => ({ executor }),
      stop: async () => {},
    };
  }
}
