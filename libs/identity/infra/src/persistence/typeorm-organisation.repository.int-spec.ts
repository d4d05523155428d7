import { AlreadyExistsError } from '@ferry/identity/application';
import { anAccount, anOrganisation } from '../testing/identity-fixtures';
import { openIdentityTestDatabase, type IdentityTestDatabase } from '../testing/identity-test-database';
import { TypeormAccountRepository } from './typeorm-account.repository';
import { TypeormOrganisationRepository } from './typeorm-organisation.repository';

const SSO = {
  entraTenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'],
  googleHostedDomains: ['contoso.example'],
  allowedDomains: ['contoso.example'],
  groupRoles: [{ group: 'grp-admins', role: 'org-admin' as const }],
};

describe('organisation storage on PostgreSQL', () => {
  let t: IdentityTestDatabase;
  let orgs: TypeormOrganisationRepository;

  beforeAll(async () => {
    t = await openIdentityTestDatabase('identity_orgs');
    orgs = new TypeormOrganisationRepository(t.db);
  });
  afterAll(async () => {
    await t.close();
  });

  it('reads back an organisation with its SSO settings', async () => {
    const org = anOrganisation({ name: 'Fabrikam Ünited', mfaRequired: false, sso: SSO });
    await orgs.insert(org);
    await expect(orgs.findById(org.id)).resolves.toEqual(org);
    await expect(orgs.findById('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
  });

  it('refuses a second organisation with the same id', async () => {
    const org = anOrganisation();
    await orgs.insert(org);
    await expect(orgs.insert(org)).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('replaces the SSO settings as a whole', async () => {
    const org = anOrganisation({ sso: SSO });
    await orgs.insert(org);
    const next = {
      ...SSO,
      entraTenantIds: [],
      groupRoles: [{ group: 'grp-ops', role: 'migration-operator' as const }],
    };
    await orgs.updateSso(org.id, next);
    expect((await orgs.findById(org.id))?.sso).toEqual(next);
  });

  it('changes the MFA requirement of one organisation only', async () => {
    const a = anOrganisation({ mfaRequired: true });
    const b = anOrganisation({ mfaRequired: true });
    await orgs.insert(a);
    await orgs.insert(b);
    await orgs.updateMfaRequired(a.id, false);
    expect((await orgs.findById(a.id))?.mfaRequired).toBe(false);
    expect((await orgs.findById(b.id))?.mfaRequired).toBe(true);
  });

  it('removes an organisation without accounts, but not one that still has some', async () => {
    const empty = anOrganisation();
    const used = anOrganisation();
    await orgs.insert(empty);
    await orgs.insert(used);
    await new TypeormAccountRepository(t.db, t.cipher).insert(anAccount({ orgId: used.id }), null);
    await orgs.remove(empty.id);
    await expect(orgs.findById(empty.id)).resolves.toBeNull();
    await expect(orgs.remove(used.id)).rejects.toThrow();
    await expect(orgs.findById(used.id)).resolves.not.toBeNull();
  });
});
