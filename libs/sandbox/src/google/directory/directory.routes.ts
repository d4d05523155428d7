import type { ServerResponse } from 'node:http';
import type { admin_directory_v1 } from 'googleapis';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import type { GoogleGroup, GoogleTenant, GoogleUser } from '../../state/directory';
import { googlePage } from '../paging';
import { applyFields, parseFields } from '../partial-response';
import { directoryEtag, groupResource, memberResource, userResource } from './directory-resources';
import { compileUserQuery, UserQueryError } from './users-query';

const SCOPE = 'https://www.googleapis.com/auth/';
const USER_SCOPES = [`${SCOPE}admin.directory.user`, `${SCOPE}admin.directory.user.readonly`];
const GROUP_SCOPES = [`${SCOPE}admin.directory.group`, `${SCOPE}admin.directory.group.readonly`];
const MEMBER_SCOPES = [...GROUP_SCOPES, `${SCOPE}admin.directory.group.member`, `${SCOPE}admin.directory.group.member.readonly`];
const MEMBER_ROLES = new Set(['OWNER', 'MANAGER', 'MEMBER']);

const notAuthorized = () => googleError(403, 'forbidden', 'Not Authorized to access this resource/api');
const badRequest = () => googleError(400, 'badRequest', 'Bad Request');
const invalidInput = (what: string) => googleError(400, 'invalid', `Invalid Input: ${what.slice(0, 100)}`);

function send(req: SandboxRequest, res: ServerResponse, body: unknown): void {
  const fields = req.query.get('fields');
  sendJson(res, 200, fields ? applyFields(body, parseFields(fields)) : body);
}

/**
 * Admin SDK Directory API v1: users, groups and members, read from the core's seeded directory
 * (developers.google.com/workspace/admin/directory/reference/rest). Every call must act as an
 * administrator of the caller's own customer, as the real API requires of service accounts.
 */
export function directoryRoutes(ctx: SandboxContext): Route[] {
  const adminTenant = (req: SandboxRequest): GoogleTenant => {
    const p = req.principal;
    const tenant = p?.kind === 'google' ? ctx.directory.google.get(p.customerId) : undefined;
    const caller = p?.kind === 'google' && p.subject ? tenant?.users.get(p.subject.toLowerCase()) : undefined;
    // Simplified: only super admins are admins (no delegated admin roles or privileges).
    if (!tenant || !caller?.isAdmin || caller.suspended) throw notAuthorized();
    return tenant;
  };

  /** `customer`/`domain` scoping: `my_customer` or the caller's own customer id or domain. */
  const scopeCheck = (req: SandboxRequest, tenant: GoogleTenant, allowUserKey: boolean): void => {
    const customer = req.query.get('customer');
    const domain = req.query.get('domain');
    const userKey = allowUserKey ? req.query.get('userKey') : null;
    if (!customer && !domain && !userKey) throw badRequest();
    if (customer && customer !== 'my_customer' && customer !== tenant.customerId) throw notAuthorized();
    if (domain && domain.toLowerCase() !== tenant.domain.toLowerCase()) throw notAuthorized();
  };

  const findUser = (tenant: GoogleTenant, key: string): GoogleUser => {
    const byEmail = tenant.users.get(key.toLowerCase());
    if (byEmail) return byEmail;
    for (const u of tenant.users.values()) if (u.id === key) return u;
    const domain = key.includes('@') ? key.split('@')[1]?.toLowerCase() : undefined;
    if (domain && domain !== tenant.domain.toLowerCase()) throw notAuthorized();
    throw googleError(404, 'notFound', 'Resource Not Found: userKey');
  };

  const findGroup = (tenant: GoogleTenant, key: string): GoogleGroup => {
    const byEmail = tenant.groups.get(key.toLowerCase());
    if (byEmail) return byEmail;
    for (const g of tenant.groups.values()) if (g.id === key) return g;
    const domain = key.includes('@') ? key.split('@')[1]?.toLowerCase() : undefined;
    if (domain && domain !== tenant.domain.toLowerCase()) throw notAuthorized();
    throw googleError(404, 'notFound', 'Resource Not Found: groupKey');
  };

  const sortOrder = (req: SandboxRequest): 1 | -1 => {
    const s = req.query.get('sortOrder');
    if (s === null || s.toUpperCase() === 'ASCENDING') return 1;
    if (s.toUpperCase() === 'DESCENDING') return -1;
    throw invalidInput(s);
  };

  const usersList = (req: SandboxRequest, res: ServerResponse): void => {
    const tenant = adminTenant(req);
    scopeCheck(req, tenant, false);
    let predicate: (u: GoogleUser) => boolean;
    try {
      predicate = compileUserQuery(req.query.get('query'));
    } catch (e) {
      if (e instanceof UserQueryError) throw invalidInput(req.query.get('query') ?? '');
      throw e;
    }
    const orderBy = req.query.get('orderBy') ?? 'email';
    const keyOf: Record<string, (u: GoogleUser) => string> = { email: (u) => u.primaryEmail, givenName: (u) => u.givenName, familyName: (u) => u.familyName };
    const key = keyOf[orderBy];
    if (!key) throw invalidInput(orderBy);
    const dir = sortOrder(req);
    // showDeleted=true lists deleted users; the sandbox's directory never deletes any.
    const users = req.query.get('showDeleted') === 'true' ? [] : [...tenant.users.values()].filter(predicate).sort((a, b) => dir * key(a).localeCompare(key(b)));
    const { page, nextPageToken } = googlePage(users, req, 'maxResults', 100, 500);
    const items = page.map((u) => userResource(tenant, u));
    const body: admin_directory_v1.Schema$Users = { kind: 'admin#directory#users', etag: directoryEtag(items.map((u) => u.etag)), users: items, ...(nextPageToken ? { nextPageToken } : {}) };
    if (items.length === 0) delete body.users;
    send(req, res, body);
  };

  const usersGet = (req: SandboxRequest, res: ServerResponse): void => {
    const tenant = adminTenant(req);
    send(req, res, userResource(tenant, findUser(tenant, req.params['userKey'] ?? '')));
  };

  const groupsList = (req: SandboxRequest, res: ServerResponse): void => {
    const tenant = adminTenant(req);
    scopeCheck(req, tenant, true);
    let groups = [...tenant.groups.values()];
    const userKey = req.query.get('userKey');
    if (userKey) {
      const user = findUser(tenant, userKey);
      groups = groups.filter((g) => [...g.members.keys()].some((m) => m.toLowerCase() === user.primaryEmail.toLowerCase()));
    }
    const orderBy = req.query.get('orderBy');
    if (orderBy !== null && orderBy !== 'email') throw invalidInput(orderBy);
    const dir = sortOrder(req);
    groups.sort((a, b) => dir * a.email.localeCompare(b.email));
    const { page, nextPageToken } = googlePage(groups, req, 'maxResults', 200, 200);
    const items = page.map(groupResource);
    const body: admin_directory_v1.Schema$Groups = { kind: 'admin#directory#groups', etag: directoryEtag(items.map((g) => g.etag)), groups: items, ...(nextPageToken ? { nextPageToken } : {}) };
    if (items.length === 0) delete body.groups;
    send(req, res, body);
  };

  const groupsGet = (req: SandboxRequest, res: ServerResponse): void => {
    const tenant = adminTenant(req);
    send(req, res, groupResource(findGroup(tenant, req.params['groupKey'] ?? '')));
  };

  const membersList = (req: SandboxRequest, res: ServerResponse): void => {
    const tenant = adminTenant(req);
    const group = findGroup(tenant, req.params['groupKey'] ?? '');
    const rolesParam = req.query.get('roles');
    const roles = rolesParam ? rolesParam.split(',').map((r) => r.trim().toUpperCase()) : undefined;
    if (roles?.some((r) => !MEMBER_ROLES.has(r))) throw invalidInput(rolesParam ?? '');
    // Simplified: includeDerivedMembership has nothing to expand; seeded groups hold users only.
    const members = [...group.members].filter(([, role]) => !roles || roles.includes(role)).sort(([a], [b]) => a.localeCompare(b));
    const { page, nextPageToken } = googlePage(members, req, 'maxResults', 200, 200);
    const items = page.map(([email, role]) => memberResource(tenant, email, role));
    const body: admin_directory_v1.Schema$Members = { kind: 'admin#directory#members', etag: directoryEtag(items.map((m) => m.etag)), members: items, ...(nextPageToken ? { nextPageToken } : {}) };
    if (items.length === 0) delete body.members;
    send(req, res, body);
  };

  const route = (method: string, pattern: string, operation: string, scopes: readonly string[], handler: Route['handler']): Route => ({
    vendor: 'google',
    method,
    pattern,
    operation,
    auth: { kind: 'google', scopes },
    limits: ['directory.user'],
    charge: (req) => (req.principal?.kind === 'google' && req.principal.subject ? { user: req.principal.subject } : {}),
    handler,
  });

  return [
    route('GET', '/admin/directory/v1/users', 'admin.users.list', USER_SCOPES, usersList),
    route('GET', '/admin/directory/v1/users/:userKey', 'admin.users.get', USER_SCOPES, usersGet),
    route('GET', '/admin/directory/v1/groups', 'admin.groups.list', GROUP_SCOPES, groupsList),
    route('GET', '/admin/directory/v1/groups/:groupKey', 'admin.groups.get', GROUP_SCOPES, groupsGet),
    route('GET', '/admin/directory/v1/groups/:groupKey/members', 'admin.members.list', MEMBER_SCOPES, membersList),
  ];
}
