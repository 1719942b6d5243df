import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ENTRY_POINTS, type EntryPointName } from '../../shared/entry-points';
import type { AccessToken } from './access-token.entity';

export const EntryPoint = Object.fromEntries(ENTRY_POINTS.map((e) => [e, e])) as { [K in EntryPointName]: K };
registerEnumType(EntryPoint, {
  name: 'EntryPoint',
  description:
    'Where a session was opened: GRAPHQL (the API itself), PLEROMA (Akkoma/Pleroma OAuth, admin-fe), MATRIX (Matrix login, Telodendria tools), PRYV (the Pryv.io admin app), SOCKS (message 300/301).',
});

@ObjectType('Session', { description: 'A signed-in session (bearer token). The token itself is never shown again.' })
export class SessionRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Matrix `device_id`; null for sessions older than device ids.' })
  deviceId!: string | null;

  @Field(() => String, { nullable: true })
  deviceName!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Recorded at most once a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => EntryPoint, { nullable: true, description: 'Null for sessions opened before entry points were recorded.' })
  entryPoint!: EntryPointName | null;

  @Field(() => String, { nullable: true, description: 'OPAQUE or JWT.' })
  tokenFormat!: string | null;

  @Field(() => String, { nullable: true, description: 'The client address at sign-in (behind a proxy: with TRUST_PROXY).' })
  clientAddress!: string | null;

  @Field(() => String, { nullable: true, description: 'The User-Agent header at sign-in (first 256 characters).' })
  userAgent!: string | null;

  @Field({ description: 'This request is made with this session.' })
  current!: boolean;
}

export function sessionRecord(t: AccessToken, currentTokenId: number | undefined): SessionRecord {
  return {
    id: String(t.id),
    deviceId: t.deviceId ?? null,
    deviceName: t.deviceName ?? null,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt ?? null,
    entryPoint: (t.entryPoint as EntryPointName | null | undefined) ?? null,
    tokenFormat: t.tokenFormat ?? null,
    clientAddress: t.clientAddress ?? null,
    userAgent: t.userAgent ?? null,
    current: t.id === currentTokenId,
  };
}
