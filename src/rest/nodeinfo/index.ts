import type { Dialect } from '../dialect';
import * as ops from '../operations/__generated__/operations';
import { Answer, row, type RouteRow } from '../route';
import { PLEROMA_ERRORS } from '../pleroma/errors';

/**
 * nodeinfo, as Akkoma serves it: admin-fe reads `metadata.invitesEnabled` (the Invites page) and
 * `metadata.mailerEnabled` ("require password reset") before its pages render. Answered from
 * Gatehouse's settings; a Gatehouse has no posts and does not federate, so those parts are empty.
 */
type NodeInfoData = ops.NodeInfoQuery['serverInfo'];

const profile = (version: string) => `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/${version}#"; charset=utf-8`;

function nodeInfo(s: NodeInfoData, version: '2.0' | '2.1') {
  return {
    version,
    software: {
      name: 'gatehouse',
      version: s.version,
      ...(version === '2.1' ? { repository: null, homepage: null } : {}),
    },
    protocols: [],
    services: { inbound: [], outbound: [] },
    openRegistrations: s.registrationMode === 'open',
    usage: { users: { total: s.usage.users, activeMonth: s.usage.activeMonth, activeHalfyear: s.usage.activeHalfyear }, localPosts: 0 },
    metadata: {
      nodeName: s.instanceName,
      nodeDescription: '',
      private: false,
      suggestions: { enabled: false },
      staffAccounts: [],
      federation: { enabled: false },
      pollLimits: {},
      postFormats: [],
      uploadLimits: { general: 0, avatar: 0, banner: 0, background: 0 },
      fieldsLimits: { maxFields: 0, maxRemoteFields: 0, nameLength: 0, valueLength: 0 },
      accountActivationRequired: false,
      invitesEnabled: s.registrationMode === 'invite',
      mailerEnabled: s.mailerEnabled,
      features: [],
      restrictedNicknames: [],
      skipThreadContainment: false,
      privilegedStaff: false,
      localBubbleInstances: [],
      publicTimelineVisibility: { federated: false, local: false, bubble: false },
      federatedTimelineAvailable: false,
    },
  };
}

const document = (version: '2.0' | '2.1', path: string): RouteRow =>
  row({
    method: 'GET',
    path,
    operation: ops.NodeInfoDocument,
    variables: () => ({}),
    token: () => null,
    serialize: (data) => new Answer(200, nodeInfo(data.serverInfo, version), { 'content-type': profile(version) }),
  });

const common = {
  unimplemented: [],
  token: () => null,
  error: (e: Parameters<Dialect['error']>[0]) => PLEROMA_ERRORS[e.code](e),
  notFound: { status: 404, body: { error: 'Nodeinfo schema version not handled' } },
  notImplemented: { status: 501, body: { error: 'Not implemented by Gatehouse' } },
  badRequest: (message: string) => ({ status: 400, body: { error: message } }),
};

export const nodeInfoDialect: Dialect = {
  name: 'nodeinfo',
  prefixes: ['/nodeinfo'],
  rows: [document('2.0', '/2.0.json'), document('2.0', '/2.0'), document('2.1', '/2.1.json'), document('2.1', '/2.1')],
  ...common,
};

/** `/.well-known/nodeinfo`: where the documents are. */
export const wellKnownDialect: Dialect = {
  name: 'well-known',
  prefixes: ['/.well-known'],
  rows: [
    row({
      method: 'GET',
      path: '/nodeinfo',
      operation: ops.NodeInfoDocument,
      variables: () => ({}),
      token: () => null,
      serialize: (data) => {
        const base = data.serverInfo.publicUrl.replace(/\/$/, '');
        return {
          links: [
            { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `${base}/nodeinfo/2.0.json` },
            { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1', href: `${base}/nodeinfo/2.1.json` },
          ],
        };
      },
    }),
  ],
  ...common,
  notFound: { status: 404, body: { error: 'Not found' } },
};
