import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { AuthRequirement } from '../../identity/principal';
import type { SandboxContext, WorkloadFactory } from '../../sandbox-context';
import type { MicrosoftTenant } from '../../state/directory';
import type { LimitName } from '../../throttle/limits';
import { badRequest, graphPage, selectFields } from '../odata';
import {
  USER_DEFAULT_PROPERTIES,
  checkSelect,
  defaultProjection,
  groupJson,
  queryDirectory,
  userJson,
} from './directory-objects';
import { callerTenant, meNeedsDelegation, microsoftPrincipal } from './graph-users';

// Permission tables of learn.microsoft.com/graph/api/user-get, user-list, group-get, group-list-members.
const USERS_AUTH: AuthRequirement = {
  kind: 'graph',
  application: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'],
  delegated: ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'],
};
const USER_AUTH: AuthRequirement = { ...USERS_AUTH, delegated: ['User.Read', ...USERS_AUTH.delegated] };
const GROUPS_AUTH: AuthRequirement = {
  kind: 'graph',
  application: ['Group.Read.All', 'GroupMember.Read.All', 'Directory.Read.All'],
  delegated: ['Group.Read.All', 'GroupMember.Read.All', 'Directory.Read.All'],
};
const LIMITS: readonly LimitName[] = ['graph.directory', 'graph.app'];
const PAGE = { defaultTop: 100, maxTop: 999 } as const;

const notFound = (id: string) =>
  graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

/** Graph's directory reads over the core-seeded tenants: users, `/me`, groups and their members. */
export const graphDirectoryWorkload: WorkloadFactory = (ctx: SandboxContext) => {
  const route = (
    pattern: string,
    operation: string,
    auth: AuthRequirement,
    handler: Route['handler'],
  ): Route => ({
    vendor: 'graph',
    method: 'GET',
    pattern,
    operation,
    auth,
    limits: LIMITS,
    charge: () => ({}),
    handler,
  });
  const origin = (): string => ctx.origin();

  const findUser = (tenant: MicrosoftTenant, req: SandboxRequest, key: string) => {
    const user = ctx.directory.microsoftUser(tenant, key);
    if (!user) throw notFound(key);
    const p = microsoftPrincipal(req);
    // A delegated token with only User.Read reads its own profile, nobody else's.
    if (p.userId && p.userId !== user.id && !USERS_AUTH.delegated.some((s) => p.scopes.includes(s))) {
      throw graphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    }
    return user;
  };
  const sendUser = (
    req: SandboxRequest,
    res: Parameters<Route['handler']>[1],
    tenant: MicrosoftTenant,
    key: string,
  ) => {
    const user = findUser(tenant, req, key);
    const json = userJson(user);
    checkSelect(req, Object.keys(json), 'microsoft.graph.user');
    sendJson(res, 200, {
      '@odata.context': `${origin()}/v1.0/$metadata#users/$entity`,
      ...selectFields(defaultProjection(req, json, USER_DEFAULT_PROPERTIES), req),
    });
  };

  return {
    name: 'graph-directory',
    seed: () => undefined,
    routes: () => [
      route('/v1.0/users/$count', 'graph.users.count', USERS_AUTH, (req, res) => {
        if ((req.raw.headers['consistencylevel'] ?? '').toString().toLowerCase() !== 'eventual')
          throw badRequest('$count is not currently supported.', 'Request_BadRequest');
        const tenant = callerTenant(ctx, req);
        const n = queryDirectory(
          req,
          'User',
          [...tenant.users.values()].map(userJson),
          'microsoft.graph.user',
        ).length;
        const body = Buffer.from(String(n));
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
        res.end(body);
      }),
      route('/v1.0/users', 'graph.users.list', USERS_AUTH, (req, res) => {
        const tenant = callerTenant(ctx, req);
        const items = queryDirectory(
          req,
          'User',
          [...tenant.users.values()].map(userJson),
          'microsoft.graph.user',
        ).map((u) => defaultProjection(req, u, USER_DEFAULT_PROPERTIES));
        sendJson(res, 200, graphPage(items, req, origin(), { ...PAGE, context: 'users' }));
      }),
      route('/v1.0/users/:user', 'graph.users.get', USER_AUTH, (req, res) =>
        sendUser(req, res, callerTenant(ctx, req), req.params['user'] ?? ''),
      ),
      route('/v1.0/me', 'graph.me.get', { ...USER_AUTH, application: USERS_AUTH.application }, (req, res) => {
        const p = microsoftPrincipal(req);
        if (!p.userId) meNeedsDelegation();
        sendUser(req, res, callerTenant(ctx, req), p.userId);
      }),
      route('/v1.0/groups', 'graph.groups.list', GROUPS_AUTH, (req, res) => {
        const tenant = callerTenant(ctx, req);
        const items = queryDirectory(
          req,
          'Group',
          [...tenant.groups.values()].map(groupJson),
          'microsoft.graph.group',
        );
        sendJson(res, 200, graphPage(items, req, origin(), { ...PAGE, context: 'groups' }));
      }),
      route('/v1.0/groups/:group', 'graph.groups.get', GROUPS_AUTH, (req, res) => {
        const tenant = callerTenant(ctx, req);
        const key = req.params['group'] ?? '';
        const group = tenant.groups.get(key);
        if (!group) throw notFound(key);
        const json = groupJson(group);
        checkSelect(req, Object.keys(json), 'microsoft.graph.group');
        sendJson(res, 200, {
          '@odata.context': `${origin()}/v1.0/$metadata#groups/$entity`,
          ...selectFields(json, req),
        });
      }),
      route('/v1.0/groups/:group/members', 'graph.groups.members', GROUPS_AUTH, (req, res) => {
        const tenant = callerTenant(ctx, req);
        const key = req.params['group'] ?? '';
        const group = tenant.groups.get(key);
        if (!group) throw notFound(key);
        const members = [...group.members].flatMap((id) => {
          const u = tenant.users.get(id);
          return u
            ? [
                {
                  '@odata.type': '#microsoft.graph.user',
                  ...defaultProjection(req, userJson(u), USER_DEFAULT_PROPERTIES),
                },
              ]
            : [];
        });
        const items = queryDirectory(req, 'User', members, 'microsoft.graph.directoryObject');
        sendJson(res, 200, graphPage(items, req, origin(), { ...PAGE, context: 'directoryObjects' }));
      }),
    ],
    summary: () => ({
      tenants: [...ctx.directory.microsoft.values()].map((t) => ({
        tenantId: t.tenantId,
        users: t.users.size,
        groups: t.groups.size,
      })),
    }),
  };
};
