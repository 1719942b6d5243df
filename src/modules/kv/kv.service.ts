import { GraphQLJSON } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { BadInputError } from '../../errors/errors';
import { BaseService } from '../base.service';
import { KvEntry } from './kv.entity';

export const KV_MAX_KEY = 256;
export const KV_MAX_VALUE_BYTES = 64 * 1024;

@ObjectType('KvEntry', { description: 'An entry of the public key/value store.' })
export class KvEntryType {
  @Field()
  key!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  value!: unknown;

  @Field()
  updatedAt!: Date;
}

/** Open to everyone, anonymous included; bounded in size and rate-limited per address. */
export class KvService extends BaseService {
  private checkKey(key: string) {
    if (key.length === 0 || key.length > KV_MAX_KEY) throw new BadInputError(`key must be 1–${KV_MAX_KEY} characters.`, 'key');
  }

  async get(key: string): Promise<KvEntryType | null> {
    this.checkKey(key);
    const entry = await this.em.findOne(KvEntry, { key });
    return entry ? { key: entry.key, value: entry.value, updatedAt: entry.updatedAt } : null;
  }

  async set(key: string, value: unknown): Promise<KvEntryType> {
    this.checkKey(key);
    const size = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
    if (size > KV_MAX_VALUE_BYTES)
      throw new BadInputError(`value must be at most ${KV_MAX_VALUE_BYTES} bytes of JSON (got ${size}).`, 'value');
    const { kv } = (await this.ctx.settings()).rateLimits;
    await this.ctx.deps.rateLimits.consume([
      [{ keyPrefix: 'kv_addr', points: kv.perAddress, durationSeconds: kv.windowSeconds }, this.ctx.ip],
    ]);
    return this.tx(async (em) => {
      let entry = await em.findOne(KvEntry, { key });
      if (entry) {
        entry.value = value ?? null;
        entry.updatedById = this.ctx.viewer?.id ?? null;
        entry.updatedAt = new Date();
      } else {
        entry = em.create(KvEntry, { key, value: value ?? null, updatedById: this.ctx.viewer?.id ?? null });
      }
      this.ctx.services.audit.record(em, {
        action: 'kv.set',
        subjects: [{ type: 'kv', id: key.slice(0, 64), name: null }],
        data: { bytes: size },
        message: `set key ${JSON.stringify(key.slice(0, 64))}`,
      });
      await em.flush();
      return { key: entry.key, value: entry.value, updatedAt: entry.updatedAt };
    });
  }
}
