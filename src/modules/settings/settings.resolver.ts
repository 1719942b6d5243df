import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Field, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';

@ObjectType()
export class SettingsPayload {
  @Field(() => GraphQLJSONObject, { description: 'The settings document; secrets read as null (with passwordSet).' })
  settings!: Record<string, unknown>;

  @Field({ description: 'A changed key needs a restart (see the restart mutation).' })
  restartRequired!: boolean;
}

@ObjectType({ description: 'An instance that re-read the settings.' })
export class AppliedInstance {
  @Field({ description: 'Its public URL (settings publicUrl).' })
  url!: string;

  @Field({ description: 'What it serves: "gatehouse" (every role in one process).' })
  role!: string;
}

@Resolver()
export class SettingsResolver {
  @Query(() => SettingsPayload)
  settings(@Ctx() { services }: Context) {
    return services.settings.read();
  }

  @Mutation(() => SettingsPayload, { description: 'Replaces the whole document; an invalid one changes nothing.' })
  replaceSettings(
    @Ctx() { services }: Context,
    @Arg('settings', () => GraphQLJSONObject, { validate: false }) settings: Record<string, unknown>,
  ) {
    return services.settings.replace(settings);
  }

  @Mutation(() => SettingsPayload, {
    description: 'Merges a patch (deep, or shallow: top-level keys replaced); an invalid result changes nothing.',
  })
  patchSettings(
    @Ctx() { services }: Context,
    @Arg('patch', () => GraphQLJSON, { validate: false }) patch: unknown,
    @Arg('shallow', () => Boolean, {
      defaultValue: false,
      description: 'Replace whole top-level keys (Pryv.io) instead of merging into them.',
    })
    shallow: boolean,
  ) {
    return services.settings.patch(patch, shallow);
  }

  @Mutation(() => [AppliedInstance], {
    description: 'Re-reads the stored settings in this instance now (others within seconds); answers where they were applied.',
  })
  applySettings(@Ctx() { services }: Context) {
    return services.settings.apply();
  }
}
