import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import type { DriveCaller } from './drive-http';
import { DriveTenantStore } from './drive.store';

/** Every tenant's Drive, and how a request's token maps to one of them and to its user. */
export class DriveState {
  readonly stores = new Map<string, DriveTenantStore>();

  constructor(private readonly ctx: SandboxContext) {}

  /** The store of a tenant by customer id or domain, created empty on first use. */
  storeOf(customerIdOrDomain: string): DriveTenantStore | undefined {
    const tenant =
      this.ctx.directory.google.get(customerIdOrDomain) ??
      [...this.ctx.directory.google.values()].find((t) => t.domain === customerIdOrDomain);
    if (!tenant) return undefined;
    let store = this.stores.get(tenant.customerId);
    if (!store) {
      store = new DriveTenantStore(tenant, this.ctx.scenario.seed, () => this.ctx.clock.now());
      this.stores.set(tenant.customerId, store);
    }
    return store;
  }

  /** The store holding a user's Drive (by email). */
  storeOfUser(email: string): DriveTenantStore | undefined {
    const tenant = this.ctx.directory.googleTenantOfEmail(email);
    return tenant ? this.storeOf(tenant.customerId) : undefined;
  }

  /**
   * The acting user is the token's subject (domain-wide delegation `sub`). Simplified: a service
   * account acting as itself has no Drive here, so such calls are refused.
   */
  caller(req: SandboxRequest): DriveCaller {
    const principal = req.principal;
    if (principal?.kind !== 'google')
      throw googleError(401, 'authError', 'Request had invalid authentication credentials.');
    const store = this.storeOf(principal.customerId);
    const user = principal.subject ? store?.user(principal.subject) : undefined;
    if (!store || !user) {
      throw googleError(
        403,
        'insufficientPermissions',
        'The caller has no Drive in the sandbox: impersonate a user of the domain (domain-wide delegation `sub`).',
      );
    }
    return { store, user, principal };
  }
}
