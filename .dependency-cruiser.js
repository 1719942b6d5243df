/**
 * The layering the code relies on (docs/ARCHITECTURE.md), checked by `npm run lint:deps` in .ci/run.
 * Type-only imports count: a type path is a dependency too.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'rest-translates-only',
      comment:
        'A REST dialect translates HTTP to GraphQL operations and decides nothing: it reads its own files, the GraphQL runner, ' +
        'errors and the shared vocabulary (src/shared), never the domain, the database, the permission map or the auth services.',
      severity: 'error',
      from: { path: '^src/rest/' },
      to: { path: ['^src/(modules|db|permissions|auth)/', '^node_modules/@mikro-orm/'] },
    },
    {
      name: 'domain-not-wiring',
      comment: 'The domain (src/modules) knows neither the REST layer nor the wiring (app, main, configuration loading).',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/(rest/|app\\.ts$|main\\.ts$|config/)' },
    },
    {
      name: 'auth-below-domain',
      comment:
        'src/auth holds primitives (token hashing, passwords, JWT, rate limits, authenticate) the domain builds on; ' +
        'the auth service and session entities live in src/modules/auth, so the two folders do not import each other.',
      severity: 'error',
      from: { path: '^src/auth/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'db-below-domain',
      comment: 'src/db is the storage layer: the wiring hands it the entity list, so it imports no domain, auth, GraphQL or REST code.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/(modules|auth|graphql|rest|permissions)/' },
    },
    {
      name: 'shared-is-a-leaf',
      comment: 'src/shared is vocabulary every layer may read: it imports nothing of Gatehouse but errors.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/(shared|errors)/' },
    },
    {
      name: 'no-circular',
      comment:
        'No module imports itself back through others at run time. Cycles made only of type imports (a service ' +
        'and the request context that lists the services) are erased by the compiler and are allowed.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '__generated__' },
  },
};
