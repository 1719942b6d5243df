/**
 * Where a session was opened: the GraphQL API, or the dialect whose sign-in route ran the login.
 * PLEROMA covers the OAuth and Mastodon routes admin-fe signs in with; MATRIX covers Telodendria's tools.
 */
export const ENTRY_POINTS = ['GRAPHQL', 'PLEROMA', 'MATRIX', 'PRYV', 'SOCKS'] as const;
export type EntryPointName = (typeof ENTRY_POINTS)[number];
