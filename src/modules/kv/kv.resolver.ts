import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { KvEntryType } from './kv.service';

@Resolver()
export class KvResolver {
  @Query(() => KvEntryType, { nullable: true, description: 'A public key/value entry (null when absent).' })
  kv(@Ctx() { services }: Context, @Arg('key') key: string) {
    return services.kv.get(key);
  }

  @Mutation(() => KvEntryType, { description: 'Sets a public key/value entry (key ≤ 256 characters, value ≤ 64 KiB of JSON).' })
  kvSet(
    @Ctx() { services }: Context,
    @Arg('key') key: string,
    @Arg('value', () => GraphQLJSON, { nullable: true, validate: false }) value: unknown,
  ) {
    return services.kv.set(key, value);
  }
}
