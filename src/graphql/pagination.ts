import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { BadInputError } from '../errors/errors';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Keyset cursor: the endCursor of the previous page.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Rows to skip, for page-numbered clients. Not combinable with after.' })
  offset?: number | null;
}

/** A validated page request: keyset (`afterId`) or offset, never both. */
export interface PageRequest {
  limit: number;
  afterId: number | null;
  offset: number;
}

export function encodeCursor(id: number): string {
  return Buffer.from(`c:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^c:(\d{1,15})$/.exec(raw);
  if (!m) throw new BadInputError('Invalid cursor.', 'after');
  return Number(m[1]);
}

export function pageRequest(args: PageArgs): PageRequest {
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw new BadInputError(`first must be between 0 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  if (args.offset != null && args.after != null) {
    throw new BadInputError('Use either after or offset, not both.', 'offset');
  }
  const offset = args.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new BadInputError('offset must be >= 0.', 'offset');
  return { limit, offset, afterId: args.after != null ? decodeCursor(args.after) : null };
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  nodes: T[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/**
 * Builds a Relay-style connection class. `totalCount` is a method field, so the COUNT query runs
 * only when a client asks for it.
 */
export function Connection<T extends object>(name: string, nodeType: ClassType<T>) {
  @ObjectType(`${name}Connection`)
  class ConnectionClass implements ConnectionShape<T> {
    @Field(() => [nodeType])
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    private readonly counter: () => Promise<number>;

    constructor(nodes: T[], pageInfo: PageInfo, counter: () => Promise<number>) {
      this.nodes = nodes;
      this.pageInfo = pageInfo;
      this.counter = counter;
    }

    @Field(() => Int, { description: 'Rows matching the filter, across all pages.' })
    totalCount(): Promise<number> {
      return this.counter();
    }
  }
  return ConnectionClass;
}

/** Cuts the `limit + 1` rows a query fetched into a page and its PageInfo. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): { nodes: T[]; pageInfo: PageInfo } {
  const hasNextPage = rows.length > limit;
  const nodes = hasNextPage ? rows.slice(0, limit) : rows;
  const last = nodes[nodes.length - 1];
  return { nodes, pageInfo: { hasNextPage, endCursor: last ? encodeCursor(last.id) : null } };
}
