import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { isRecord, readJson } from '../../http/body';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { accessDenied, DRIVE_READ, DRIVE_WRITE, invalidRequest, itemNotFound, type DriveTarget } from './drive-access';
import { itemRoutes, type DriveApi } from './drive-api';
import { userPermissionId } from './drive-item.view';
import type { ItemRecord, PermissionRecord, PermissionRole } from './drive.store';

const badJson = (m: string) => graphError(400, 'invalidRequest', m);

export function listPermissions(api: DriveApi, _req: SandboxRequest, res: ServerResponse, t: DriveTarget, item: ItemRecord): void {
  sendJson(res, 200, { '@odata.context': `${api.ctx.origin()}/v1.0/$metadata#drives('${t.drive.id}')/items('${item.id}')/permissions`, value: api.views.permissions(t, item) });
}

function findPermission(api: DriveApi, req: SandboxRequest, t: DriveTarget, item: ItemRecord): Record<string, unknown> {
  const p = api.views.permissions(t, item).find((x) => x['id'] === req.params['perm']);
  if (!p) throw itemNotFound();
  return p;
}

/** POST invite: grants `roles` on the item to tenant users (by email or object id) or outside addresses. */
export async function invite(api: DriveApi, req: SandboxRequest, res: ServerResponse, t: DriveTarget, item: ItemRecord): Promise<void> {
  const body = await readJson(req.raw, badJson);
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  const recipients = body['recipients'];
  if (!Array.isArray(recipients) || recipients.length === 0) throw invalidRequest("'recipients' must list at least one recipient.");
  if (recipients.length > 100) throw invalidRequest('At most 100 recipients can be invited at once.');
  const roles = body['roles'];
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => r === 'read' || r === 'write')) throw invalidRequest("'roles' must list 'read' and/or 'write'.");
  for (const flag of ['requireSignIn', 'sendInvitation'] as const) if (body[flag] !== undefined && typeof body[flag] !== 'boolean') throw invalidRequest(`'${flag}' must be a boolean.`);
  if (body['message'] !== undefined && (typeof body['message'] !== 'string' || body['message'].length > 2000)) throw invalidRequest("'message' must be a string of at most 2,000 characters.");
  const granted: PermissionRecord[] = [];
  const signInRequired = body['requireSignIn'] !== false;
  for (const r of recipients) {
    if (!isRecord(r)) throw invalidRequest('Each recipient must be an object with an email or objectId.');
    const email = typeof r['email'] === 'string' ? r['email'] : undefined;
    const objectId = typeof r['objectId'] === 'string' ? r['objectId'] : undefined;
    if (!email && !objectId) throw invalidRequest('Each recipient needs an email or objectId.');
    const user = objectId ? t.tenant.users.get(objectId) : [...t.tenant.users.values()].find((u) => u.mail.toLowerCase() === email?.toLowerCase() || u.userPrincipalName.toLowerCase() === email?.toLowerCase());
    if (objectId && !user) throw invalidRequest(`No user with object id '${objectId.slice(0, 64)}' in this organization.`);
    if (user?.id === t.drive.ownerId) throw invalidRequest('The owner of the item already has access to it.');
    const existing = item.permissions.find((p) => (user ? p.userId === user.id : p.email?.toLowerCase() === email?.toLowerCase()));
    if (existing) {
      existing.roles = [...new Set([...existing.roles, ...(roles as PermissionRole[])])];
      granted.push(existing);
      continue;
    }
    const p: PermissionRecord = user
      ? { id: userPermissionId(user.userPrincipalName), roles: [...(roles as PermissionRole[])], userId: user.id, signInRequired, createdAt: api.ctx.clock.now() }
      : { id: randomUUID(), roles: [...(roles as PermissionRole[])], email: email ?? '', signInRequired, createdAt: api.ctx.clock.now() };
    item.permissions.push(p);
    granted.push(p);
  }
  sendJson(res, 200, { '@odata.context': `${api.ctx.origin()}/v1.0/$metadata#Collection(permission)`, value: granted.map((p) => api.views.permission(t, p)) });
}

function removePermission(api: DriveApi, req: SandboxRequest, res: ServerResponse, t: DriveTarget, item: ItemRecord): void {
  const i = item.permissions.findIndex((p) => p.id === req.params['perm']);
  if (i < 0) {
    findPermission(api, req, t, item);
    throw accessDenied('Owner and inherited permissions cannot be removed from this item.');
  }
  item.permissions.splice(i, 1);
  sendEmpty(res, 204);
}

export function drivePermissionRoutes(api: DriveApi): Route[] {
  return [
    ...itemRoutes(api, 'GET', '/permissions', 'graph.drive.permissions.list', DRIVE_READ, listPermissions),
    ...itemRoutes(api, 'GET', '/permissions/:perm', 'graph.drive.permissions.get', DRIVE_READ, (a, req, res, t, item) =>
      sendJson(res, 200, { '@odata.context': `${a.ctx.origin()}/v1.0/$metadata#drives('${t.drive.id}')/items('${item.id}')/permissions/$entity`, ...findPermission(a, req, t, item) }),
    ),
    ...itemRoutes(api, 'DELETE', '/permissions/:perm', 'graph.drive.permissions.delete', DRIVE_WRITE, removePermission),
    ...itemRoutes(api, 'POST', '/invite', 'graph.drive.invite', DRIVE_WRITE, invite),
  ];
}
