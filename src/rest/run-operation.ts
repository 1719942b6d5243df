import { print } from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import type { ApolloServer } from '@apollo/server';
import type { AppDeps } from '../app-deps';
import { isErrorCode } from '../errors/errors';
import type { Context } from '../app-deps';
import type { OperationError, RouteRow } from './route';
import type { EntryPointName } from '../shared/entry-points';

/** Who calls, as the REST and Socks layers hand it on: address, logger, and the entry point for sessions. */
export interface Caller {
  ip: string;
  log: FastifyBaseLogger;
  entryPoint: EntryPointName;
  userAgent?: string | null;
}

export interface OperationOutcome<TData> {
  data?: TData | null;
  error?: OperationError;
}

/** Each row's document printed once: Apollo caches the parsed and validated document by its text. */
const printed = new WeakMap<object, string>();
function queryText(doc: object): string {
  let text = printed.get(doc);
  if (!text) {
    text = print(doc as never);
    printed.set(doc, text);
  }
  return text;
}

/**
 * Runs a row's operation through Apollo with the same buildContext as /graphql, so the permission
 * map, validation, audit and error codes apply unchanged. The context is marked internal: these fixed
 * documents skip the query-cost limits meant for documents from outside.
 */
export async function runOperation<TData, TVars>(
  apollo: ApolloServer<Context>,
  deps: AppDeps,
  req: Caller,
  token: string | null,
  row: Pick<RouteRow<TData, TVars>, 'operation'>,
  variables: TVars,
): Promise<OperationOutcome<TData>> {
  const contextValue = await deps.buildContext({
    token,
    ip: req.ip,
    log: req.log,
    internal: true,
    entryPoint: req.entryPoint,
    userAgent: req.userAgent,
  });
  const response = await apollo.executeOperation<TData>(
    { query: queryText(row.operation), variables: variables as Record<string, unknown> },
    { contextValue },
  );
  if (response.body.kind !== 'single') throw new Error('incremental delivery is not used by REST rows');
  const { data, errors } = response.body.singleResult;
  if (errors && errors.length > 0) {
    const first = errors[0];
    const code = first.extensions?.code;
    return {
      data,
      error: {
        code: isErrorCode(code) ? code : 'INTERNAL',
        message: first.message,
        extensions: (first.extensions ?? {}) as Record<string, unknown>,
      },
    };
  }
  return { data };
}
