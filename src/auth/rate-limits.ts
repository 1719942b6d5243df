import type { Knex } from '@mikro-orm/knex';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors/errors';

export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

export type LimiterStore = { kind: 'memory' } | { kind: 'redis'; client: Redis; prefix?: string } | { kind: 'postgres'; knex: Knex };

/**
 * Rate limiters whose counters live where every instance sees them: Redis when configured, else the
 * PostgreSQL database. Only the single-process SQLite mode keeps counters in memory.
 */
export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly store: LimiterStore,
    /** Told of every refusal (the metrics count them by limiter). */
    private readonly onRefusal: (keyPrefix: string) => void = () => undefined,
  ) {}

  get(spec: LimiterSpec): RateLimiterAbstract {
    const key = `${spec.keyPrefix}:${spec.points}:${spec.durationSeconds}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = this.create(spec);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  private create(spec: LimiterSpec): RateLimiterAbstract {
    // The limit is part of the stored key: a changed limit starts fresh counters on every instance at
    // once, instead of leaving callers blocked until a counter of the old window expires.
    const opts = {
      keyPrefix: `gh_${spec.keyPrefix}_${spec.points}_${spec.durationSeconds}`,
      points: spec.points,
      duration: spec.durationSeconds,
    };
    switch (this.store.kind) {
      case 'redis':
        return new RateLimiterRedis({
          ...opts,
          keyPrefix: `${this.store.prefix ?? 'gh'}${opts.keyPrefix.slice(2)}`,
          storeClient: this.store.client,
        });
      case 'postgres':
        return new RateLimiterPostgres({
          ...opts,
          storeClient: this.store.knex,
          storeType: 'knex',
          tableName: 'rate_limits',
          // Created by a migration (src/db/migrations/postgresql), not lazily by the library.
          tableCreated: true,
        });
      default:
        return new RateLimiterMemory(opts);
    }
  }

  /**
   * Takes one point from each (limiter, key) pair; the first exhausted one answers RATE_LIMITED with
   * the longest wait among them. Every pair is charged, so aliases or batching cannot skip a counter.
   */
  async consume(entries: Array<[LimiterSpec, string]>): Promise<void> {
    let retryAfterMs = 0;
    for (const [spec, key] of entries) {
      try {
        await this.get(spec).consume(key);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        retryAfterMs = Math.max(retryAfterMs, err.msBeforeNext);
        this.onRefusal(spec.keyPrefix);
      }
    }
    if (retryAfterMs > 0) throw new RateLimitedError(retryAfterMs);
  }

  /** Forgets the limiter instances so the next use builds them from current settings. */
  clear(): void {
    this.limiters.clear();
  }

  async reset(spec: LimiterSpec, key: string): Promise<void> {
    await this.get(spec).delete(key);
  }

  /** Gives back a point taken by consume() (an attempt that turned out not to count). */
  async refund(spec: LimiterSpec, key: string, points = 1): Promise<void> {
    await this.get(spec).reward(key, points);
  }
}
