import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Where a request came in: GraphQL over HTTP, a REST dialect row, or a Socks message type. */
export type Entry = 'graphql' | 'rest' | 'socks';

interface PoolLike {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/**
 * Gatehouse's Prometheus metrics, in a registry of their own (one per app, so tests can build several):
 * requests and latency by entry point, errors by code, rate-limit refusals, login failures, the hashing
 * queue, database pool use and the process's own metrics.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'gatehouse_requests_total',
    help: 'Requests by entry point (graphql, rest, socks) and route (operation name, dialect row, message type), with their outcome.',
    labelNames: ['entry', 'route', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'gatehouse_request_duration_seconds',
    help: 'Request latency by entry point and route.',
    labelNames: ['entry', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'gatehouse_errors_total',
    help: "Errors answered, by Gatehouse's error code (the GraphQL extensions.code every dialect translates).",
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'gatehouse_rate_limited_total',
    help: 'Requests refused by a rate limit, by limiter.',
    labelNames: ['limiter'] as const,
    registers: [this.registry],
  });

  readonly executions = new Counter({
    name: 'gatehouse_graphql_executions_total',
    help: 'GraphQL operations executed, by executor path: compiled (graphql-jit), or the reason graphql-js ran it.',
    labelNames: ['path'] as const,
    registers: [this.registry],
  });

  readonly loginFailures = new Counter({
    name: 'gatehouse_login_failures_total',
    help: 'Sign-ins refused for a wrong password or an unknown or deactivated account.',
    registers: [this.registry],
  });

  constructor(sources: { hashQueue: () => { active: number; pending: number }; pools: Record<string, PoolLike | undefined> }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
    new Gauge({
      name: 'gatehouse_hash_queue',
      help: 'Password hashes running (state=active) and waiting for a slot (state=pending).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const q = sources.hashQueue();
        this.set({ state: 'active' }, q.active);
        this.set({ state: 'pending' }, q.pending);
      },
    });
    new Gauge({
      name: 'gatehouse_db_pool_connections',
      help: 'Database pool connections by pool (writer, reader) and state (used, free, pending acquires).',
      labelNames: ['pool', 'state'] as const,
      registers: [this.registry],
      collect() {
        for (const [name, pool] of Object.entries(sources.pools)) {
          if (!pool) continue;
          this.set({ pool: name, state: 'used' }, pool.numUsed());
          this.set({ pool: name, state: 'free' }, pool.numFree());
          this.set({ pool: name, state: 'pending' }, pool.numPendingAcquires());
        }
      },
    });
  }

  /** One request done: its count and latency. */
  observe(entry: Entry, route: string, outcome: 'ok' | 'error', seconds: number): void {
    this.requests.inc({ entry, route, outcome });
    this.duration.observe({ entry, route }, seconds);
  }
}

/** `/metrics` is for the operator's scraper: a bearer token when METRICS_TOKEN is set, else only these addresses. */
export function metricsAllowed(opts: { token?: string; allow: string[] }, req: { ip: string; authorization?: string }): boolean {
  if (opts.token) return req.authorization === `Bearer ${opts.token}`;
  return opts.allow.includes(req.ip);
}
