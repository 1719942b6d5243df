import type { ApiDocument } from './openapi';
import { pleromaDialect } from './pleroma';
import { mastodonApiDialect, oauthDialect } from './mastodon';
import { telodendriaDialect } from './telodendria';
import { pryvDialects } from './pryv';
import { matrixClientDialect } from './matrix';
import { nodeInfoDialect, wellKnownDialect } from './nodeinfo';

/** Every REST dialect, grouped as its upstream documents it; each group is one OpenAPI document at /openapi/<name>.json. */
export const API_DOCUMENTS: ApiDocument[] = [
  {
    name: 'pleroma',
    title: 'Akkoma/Pleroma admin API (Gatehouse)',
    description: 'Both prefixes, for admin-fe.',
    dialects: [pleromaDialect],
  },
  {
    name: 'mastodon',
    title: 'Mastodon API and OAuth (Gatehouse)',
    description: 'What admin-fe signs in with.',
    dialects: [mastodonApiDialect, oauthDialect],
  },
  {
    name: 'telodendria',
    title: 'Telodendria admin API (Gatehouse)',
    description: 'Under /_telodendria/admin/v1 and the older prefix.',
    dialects: [telodendriaDialect],
  },
  {
    name: 'matrix',
    title: 'Matrix client endpoints (Gatehouse)',
    description: 'Sign-in and registration with registration tokens.',
    dialects: [matrixClientDialect],
  },
  { name: 'pryv', title: 'Pryv.io admin API (Gatehouse)', description: 'For the Pryv admin web app.', dialects: pryvDialects },
  { name: 'nodeinfo', title: 'NodeInfo (Gatehouse)', description: 'Discovery documents.', dialects: [nodeInfoDialect, wellKnownDialect] },
];
