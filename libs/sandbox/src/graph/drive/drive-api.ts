import type { ServerResponse } from 'node:http';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { AuthRequirement } from '../../identity/principal';
import type { SandboxContext } from '../../sandbox-context';
import type { DriveAccess, DriveTarget } from './drive-access';
import type { DriveViews } from './drive-item.view';
import type { DriveStore, ItemRecord } from './drive.store';
import type { UrlSigner } from './signed-url';
import type { UploadSessions } from './upload-session.store';

/** What every drive route shares. */
export interface DriveApi {
  readonly ctx: SandboxContext;
  readonly store: DriveStore;
  readonly access: DriveAccess;
  readonly views: DriveViews;
  readonly signer: UrlSigner;
  readonly sessions: UploadSessions;
}

/** The three ways Graph names a OneDrive: by owner, for the signed-in user, and by id. */
export const DRIVE_PREFIXES = ['/v1.0/users/:user/drive', '/v1.0/me/drive', '/v1.0/drives/:drive'] as const;

/** An item addressed by id or path, or (for uploads) a name that does not exist yet in a folder. */
export type Addressed = { readonly kind: 'item'; readonly item: ItemRecord } | { readonly kind: 'new'; readonly parent: ItemRecord; readonly name: string };

export type ItemHandler = (api: DriveApi, req: SandboxRequest, res: ServerResponse, t: DriveTarget, item: ItemRecord) => Promise<void> | void;
export type AddressedHandler = (api: DriveApi, req: SandboxRequest, res: ServerResponse, t: DriveTarget, at: Addressed) => Promise<void> | void;

/** An emulated Graph drive route: throttled per drive owner against the drive and app budgets. */
export function driveRoute(api: DriveApi, method: string, pattern: string, operation: string, auth: AuthRequirement, handler: (req: SandboxRequest, res: ServerResponse) => Promise<void> | void, upload = false): Route {
  return {
    vendor: 'graph',
    method,
    pattern,
    operation,
    auth,
    limits: ['graph.drive', 'graph.app'],
    charge: (req) => {
      const user = api.access.chargeUser(req);
      return { ...(user !== undefined ? { user } : {}), upload };
    },
    handler,
  };
}

/** `items/{id}` routes under every drive prefix, with the item resolved for the handler. */
export function itemRoutes(api: DriveApi, method: string, suffix: string, operation: string, auth: AuthRequirement, handler: ItemHandler, upload = false): Route[] {
  return DRIVE_PREFIXES.flatMap((prefix) =>
    [`${prefix}/items/:item${suffix}`, `${prefix}/root${suffix}`].map((pattern) =>
      driveRoute(
        api,
        method,
        pattern,
        operation,
        auth,
        (req, res) => {
          const t = api.access.target(req);
          return handler(api, req, res, t, api.access.item(t, req.params['item']));
        },
        upload,
      ),
    ),
  );
}

/** Graph's `@microsoft.graph.conflictBehavior` values. */
export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export function conflictBehaviorOf(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
  if (value === undefined || value === null) return fallback;
  if (value === 'fail' || value === 'replace' || value === 'rename') return value;
  throw graphError(400, 'invalidRequest', `Invalid value for @microsoft.graph.conflictBehavior: '${typeof value === 'string' ? value.slice(0, 32) : typeof value}'. Expected fail, replace or rename.`);
}

/** Lets the rest of an unread body drain, so an early error still reaches the client. */
export function drain(req: SandboxRequest): void {
  req.raw.resume();
}
