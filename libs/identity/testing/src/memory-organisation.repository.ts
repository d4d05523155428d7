import type { Organisation, SsoSettings } from '@ferry/identity/domain';
import { AlreadyExistsError, type OrganisationRepository } from '@ferry/identity/application';
import { type Staged, stageRows } from './staged-rows';

/** In-memory OrganisationRepository. */
export class MemoryOrganisationRepository implements OrganisationRepository {
  constructor(private readonly rows = new Map<string, Organisation>()) {}

  /** A copy for one unit of work (MemoryUnitOfWork): its writes reach this repository on commit. */
  stage(): Staged<MemoryOrganisationRepository> {
    return stageRows(this.rows, (rows) => new MemoryOrganisationRepository(rows));
  }

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
