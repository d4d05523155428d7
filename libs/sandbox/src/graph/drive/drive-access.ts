import type { SandboxRequest } from '../../http/sandbox-request';
import type { VendorError } from '../../http/vendor-error';
import { graphError } from '../../http/vendor-errors';
import type { AuthRequirement, MicrosoftPrincipal } from '../../identity/principal';
import type { SandboxContext } from '../../sandbox-context';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';
import type { Actor, DriveRecord, DriveStore, ItemRecord } from './drive.store';

const DENIED = { code: 'accessDenied', message: 'Access denied' } as const;

/** Read operations: the permissions tables of the driveItem and drive GET pages. */
export const DRIVE_READ: AuthRequirement = {
  kind: 'graph',
  application: ['Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All'],
  delegated: ['Files.Read', 'Files.ReadWrite', 'Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All'],
  denied: DENIED,
};

/** Create, update, delete, upload, invite. */
export const DRIVE_WRITE: AuthRequirement = {
  kind: 'graph',
  application: ['Files.ReadWrite.All', 'Sites.ReadWrite.All'],
  delegated: ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All'],
  denied: DENIED,
};

export const itemNotFound = (message = 'The resource could not be found.'): VendorError => graphError(404, 'itemNotFound', message);
export const invalidRequest = (message: string): VendorError => graphError(400, 'invalidRequest', message);
export const accessDenied = (message = 'Access denied'): VendorError => graphError(403, 'accessDenied', message);

/** A request's drive, with the tenant and owner it belongs to. */
export interface DriveTarget {
  readonly tenant: MicrosoftTenant;
  readonly drive: DriveRecord;
  readonly owner: MicrosoftUser;
}

/**
 * Resolves `/users/{id|upn}/drive`, `/me/drive` and `/drives/{id}` for a caller, enforcing tenant
 * isolation (a drive of another tenant is simply not found) and, for delegated tokens, that the
 * signed-in user reaches only their own drive.
 */
export class DriveAccess {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly store: DriveStore,
  ) {}

  principal(req: SandboxRequest): MicrosoftPrincipal {
    const p = req.principal;
    if (!p || p.kind !== 'microsoft') throw graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    return p;
  }

  target(req: SandboxRequest): DriveTarget {
    const p = this.principal(req);
    const tenant = this.ctx.directory.microsoftTenant(p.tenantId);
    if (!tenant) throw itemNotFound();
    const driveId = req.params['drive'];
    let drive: DriveRecord | undefined;
    let owner: MicrosoftUser | undefined;
    if (driveId !== undefined) {
      drive = this.store.drives.get(driveId);
      if (!drive || drive.tenantId !== tenant.tenantId) throw itemNotFound();
      owner = tenant.users.get(drive.ownerId);
    } else {
      const who = req.params['user'] ?? this.me(p);
      owner = this.ctx.directory.microsoftUser(tenant, who);
      if (!owner) throw itemNotFound();
      drive = this.driveOf(tenant, owner);
    }
    if (!owner) throw itemNotFound();
    // Simplified: a delegated caller reaches only their own OneDrive (not items others shared).
    if (p.userId !== undefined && p.userId !== owner.id) throw accessDenied();
    return { tenant, drive, owner };
  }

  private me(p: MicrosoftPrincipal): string {
    if (p.userId === undefined) throw graphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    return p.userId;
  }

  /** Users created after seeding (e.g. through the directory API) get an empty OneDrive on first use. */
  driveOf(tenant: MicrosoftTenant, user: MicrosoftUser): DriveRecord {
    return this.store.driveOf(tenant.tenantId, user.id) ?? this.store.createDrive(tenant.tenantId, user.id, `${this.ctx.scenario.seed}/ms/${tenant.tenantId}/drive/${user.id}`, this.ctx.clock.now());
  }

  /** `items/{id}` (or `root`, or the root route) within the drive. */
  item(t: DriveTarget, id: string | undefined): ItemRecord {
    if (id === undefined || id === 'root') return this.store.root(t.drive);
    const item = this.store.item(t.drive, id);
    if (!item) throw itemNotFound();
    return item;
  }

  /** The throttling key: the drive's owner (resolved cheaply; unknown drives are left to the handler's 404). */
  chargeUser(req: SandboxRequest): string | undefined {
    const p = req.principal;
    if (!p || p.kind !== 'microsoft') return undefined;
    const driveId = req.params['drive'];
    if (driveId !== undefined) return this.store.drives.get(driveId)?.ownerId;
    const who = req.params['user'] ?? p.userId;
    if (who === undefined) return undefined;
    const tenant = this.ctx.directory.microsoftTenant(p.tenantId);
    return (tenant && this.ctx.directory.microsoftUser(tenant, who)?.id) ?? who;
  }

  actor(req: SandboxRequest): Actor {
    const p = this.principal(req);
    return p.userId !== undefined ? { userId: p.userId } : { appId: p.appId };
  }
}
