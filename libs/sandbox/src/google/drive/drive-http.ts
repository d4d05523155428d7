import type { ServerResponse } from 'node:http';
import { isRecord, readJson } from '../../http/body';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { VendorError } from '../../http/vendor-error';
import type { GooglePrincipal } from '../../identity/principal';
import { applyFields, parseFields, type FieldMask } from '../partial-response';
import type { DriveFile } from './drive.model';
import type { DriveTenantStore } from './drive.store';

const S = 'https://www.googleapis.com/auth/';

/** OAuth scopes per method group, as the Drive v3 reference lists them (drive.appdata omitted: no appDataFolder). */
export const DRIVE_SCOPES = {
  read: [
    `${S}drive`,
    `${S}drive.file`,
    `${S}drive.readonly`,
    `${S}drive.metadata`,
    `${S}drive.metadata.readonly`,
    `${S}drive.photos.readonly`,
  ],
  content: [`${S}drive`, `${S}drive.file`, `${S}drive.readonly`],
  write: [`${S}drive`, `${S}drive.file`],
  update: [`${S}drive`, `${S}drive.file`, `${S}drive.metadata`],
  drives: [`${S}drive`, `${S}drive.readonly`],
} as const;

/** The caller as Drive sees it: the tenant's store and the impersonated user. */
export interface DriveCaller {
  readonly store: DriveTenantStore;
  readonly user: string;
  readonly principal: GooglePrincipal;
}

export const notFoundFile = (id: string): VendorError =>
  googleError(404, 'notFound', `File not found: ${id}.`, { location: 'fileId', locationType: 'parameter' });
export const insufficientFilePermissions = (): VendorError =>
  googleError(
    403,
    'insufficientFilePermissions',
    'The user does not have sufficient permissions for this file.',
  );
export const badRequest = (message: string, location?: string): VendorError =>
  googleError(400, 'badRequest', message, location ? { location, locationType: 'parameter' } : {});
export const invalidParam = (location: string, message = 'Invalid Value'): VendorError =>
  googleError(400, 'invalid', message, { location, locationType: 'parameter' });
export const invalidJson = (message: string): VendorError =>
  googleError(400, 'parseError', message.startsWith('Invalid JSON') ? message : 'Parse Error');

/** A boolean query parameter as Google parses it (`true`/`false`, anything else is a 400). */
export function boolParam(req: SandboxRequest, name: string, fallback = false): boolean {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalidParam(name, `Invalid value '${raw.slice(0, 32)}'. Valid values are: [true, false]`);
}

/** The optional `fields` mask of a request. */
export function fieldsOf(req: SandboxRequest): FieldMask | undefined {
  const raw = req.query.get('fields');
  return raw ? parseFields(raw) : undefined;
}

/**
 * Refuses a mask naming fields the resource does not have, as Drive does (`Invalid field
 * selection`); `nested` checks the named sub-resources' masks too (`files(...)`).
 */
export function checkMask(
  mask: FieldMask | undefined,
  allowed: ReadonlySet<string>,
  nested: Readonly<Record<string, ReadonlySet<string>>> = {},
): void {
  if (!mask) return;
  for (const [key, sub] of mask) {
    if (key === '*') continue;
    if (!allowed.has(key))
      throw googleError(400, 'invalidParameter', `Invalid field selection ${key}`, {
        location: 'fields',
        locationType: 'parameter',
      });
    const inner = nested[key];
    if (inner && sub !== true) checkMask(sub, inner);
  }
}

/** Applies `fields` (when given) to a complete response, or keeps Drive's default fields. */
export function shaped(
  body: Record<string, unknown>,
  mask: FieldMask | undefined,
  defaults: FieldMask,
): unknown {
  return applyFields(body, mask ?? defaults);
}

/** Whether a mask (for one resource) asks for `field` (explicitly or through `*`). */
export function wants(mask: FieldMask | true | undefined, field: string): boolean {
  if (mask === undefined) return false;
  return mask === true || mask.has('*') || mask.has(field);
}

/** A metadata JSON body, as an object (Drive answers a non-object with a 400 parse error). */
export async function readMetadata(req: SandboxRequest): Promise<Record<string, unknown>> {
  const body = await readJson(req.raw, invalidJson);
  if (!isRecord(body)) throw googleError(400, 'parseError', 'Parse Error');
  return body;
}

/** Drive's "is this visible to you" check; an item you cannot see does not exist for you. */
export function visibleFile(caller: DriveCaller, req: SandboxRequest, id: string | undefined): DriveFile {
  const { store, user } = caller;
  const fileId = id ?? '';
  const file = fileId === 'root' ? store.root(user) : store.get(fileId);
  if (!file || store.roleOf(user, file) === undefined) throw notFoundFile(fileId);
  // Shared-drive items exist only for callers that declare support for shared drives.
  if (file.driveId && !boolParam(req, 'supportsAllDrives') && !boolParam(req, 'supportsTeamDrives'))
    throw notFoundFile(fileId);
  return file;
}

/** Builds a Drive API route: google vendor, per-method scopes, Drive's per-user and per-project budgets. */
export function driveRoute(
  method: string,
  pattern: string,
  operation: string,
  scopes: readonly string[],
  handler: (req: SandboxRequest, res: ServerResponse) => Promise<void> | void,
): Route {
  return {
    vendor: 'google',
    method,
    pattern,
    operation: `drive.${operation}`,
    auth: { kind: 'google', scopes },
    limits: ['drive.user', 'drive.project'],
    charge: (req) => {
      const p = req.principal;
      return p?.kind === 'google' && p.subject
        ? { user: p.subject.toLowerCase(), upload: method !== 'GET' && pattern.startsWith('/upload/') }
        : {};
    },
    handler,
  };
}
