import type { Organisation, SsoSettings } from '@ferry/identity/domain';
import { AlreadyExistsError, type OrganisationRepository } from '@ferry/identity/application';

/** In-memory OrganisationRepository. */
export class MemoryOrganisationRepository implements OrganisationRepository {
  private readonly rows = new Map<string, Organisation>();

  async insert(org: Organisation): Promise<void> {
    if (this.rows.has(org.id)) throw new AlreadyExistsError('organisation');
    this.rows.set(org.id, { ...org });
  }

  async findById(id: string): Promise<Organisation | null> {
    const org = this.rows.get(id);
    return org ? { ...org } : null;
  }

  async updateSso(id: string, sso: SsoSettings): Promise<void> {
    const org = this.rows.get(id);
    if (!org) throw new Error(`no organisation ${id}`);
    this.rows.set(id, { ...org, sso });
  }

  async updateMfaRequired(id: string, mfaRequired: boolean): Promise<void> {
    const org = this.rows.get(id);
    if (!org) throw new Error(`no organisation ${id}`);
    this.rows.set(id, { ...org, mfaRequired });
  }

  async remove(id: string): Promise<void> {
    this.rows.delete(id);
  }
}
