import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';

/** Query limits (GraphQL Armor): depth, aliases, directives and cost; token count is a parse option. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 30,
  maxDirectives: 20,
  maxCost: 5000,
  maxTokens: 5000,
};

/** The armor's rules; request-guard.ts runs them for requests from outside (the REST layer's own calls are trusted). */
export function limitValidationRules(): ValidationRule[] {
  // Report through the validation context (a coded validation error); throwing would surface as a 500.
  const common = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)],
  };
  return [
    maxDepthRule({ ...common, n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesRule({ ...common, n: QUERY_LIMITS.maxAliases, allowList: [] }),
    maxDirectivesRule({ ...common, n: QUERY_LIMITS.maxDirectives }),
    costLimitRule({ ...common, maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true }),
  ] as ValidationRule[];
}
