import { Field, Float, ObjectType } from 'type-graphql';
import { emKnex } from '../../db/db';
import { BaseService } from '../base.service';

@ObjectType()
export class MemoryStats {
  @Field(() => Float, { description: 'Resident set size, bytes.' })
  rss!: number;

  @Field(() => Float, { description: 'V8 heap in use, bytes.' })
  heapUsed!: number;
}

@ObjectType()
export class ProcessStats {
  @Field()
  version!: string;

  @Field(() => Float)
  uptimeSeconds!: number;

  @Field(() => MemoryStats)
  memory!: MemoryStats;
}

export const VERSION: string = (require('../../../package.json') as { version: string }).version;

/** What restart and shutdown do to the running process; main.ts and tests provide their own. */
export interface Lifecycle {
  /** Re-read settings and reinitialise in process (rate limiters, caches); in-flight requests finish. */
  restart(): Promise<void>;
  /** Stop accepting, finish in-flight work, close the database, exit 0. */
  shutdown(): Promise<void>;
}

/** Process control behind PROC_CONTROL. Both actions are audited before they happen. */
export class ProcessService extends BaseService {
  stats(): ProcessStats {
    const m = process.memoryUsage();
    return { version: VERSION, uptimeSeconds: process.uptime(), memory: { rss: m.rss, heapUsed: m.heapUsed } };
  }

  async restart(): Promise<boolean> {
    await this.tx(async (em) => {
      this.ctx.services.audit.record(em, { action: 'process.restart', message: 'restarted the service' });
      await emKnex(em)('settings').where('id', 1).update({ restart_required: false });
    });
    await this.ctx.deps.lifecycle.restart();
    this.ctx.invalidateSettings();
    return true;
  }

  async shutdown(): Promise<boolean> {
    await this.tx(async (em) => {
      this.ctx.services.audit.record(em, { action: 'process.shutdown', message: 'shut the service down' });
    });
    // After this answer has been sent: closing waits for in-flight requests, this one included.
    setImmediate(() => {
      this.ctx.deps.lifecycle.shutdown().catch((err: unknown) => this.ctx.deps.log.error({ err }, 'shutdown failed'));
    });
    return true;
  }
}
