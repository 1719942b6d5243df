import { Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { ProcessStats } from './process.service';

@Resolver()
export class ProcessResolver {
  @Query(() => ProcessStats)
  processStats(@Ctx() { services }: Context) {
    return services.process.stats();
  }

  @Mutation(() => Boolean, { description: 'Re-reads settings and reinitialises in process; in-flight requests finish.' })
  restart(@Ctx() { services }: Context) {
    return services.process.restart();
  }

  @Mutation(() => Boolean, { description: 'Graceful stop: answers, finishes in-flight requests, closes the database, exits 0.' })
  shutdown(@Ctx() { services }: Context) {
    return services.process.shutdown();
  }
}
