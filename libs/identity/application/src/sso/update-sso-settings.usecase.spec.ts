import { randomUUID } from 'node:crypto';
import type { SsoSettings } from '@ferry/identity/domain';
import { AuditUnavailableError, InvalidCommandError, NotFoundError } from '../identity.errors';
import { anOrganisation, createIdentityFakes, claimsFor } from '../testing/spec-support';
import { type SsoSettingsInput, UpdateSsoSettingsCommand } from './update-sso-settings.command';
import { UpdateSsoSettingsUseCase } from './update-sso-settings.usecase';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const valid: SsoSettingsInput = {
  entraTenantIds: [TENANT],
  googleHostedDomains: [],
  allowedDomains: ['contoso.com'],
  groupRoles: [{ group: 'b1a4c6d2-0000-4000-8000-000000000001', role: 'migration-operator' }],
};

async function setUp() {
  const f = createIdentityFakes();
  const org = anOrganisation();
  await f.organisations.insert(org);
  const caller = claimsFor({ orgId: org.id, roles: ['org-admin'] });
  const useCase = new UpdateSsoSettingsUseCase(f.unitOfWork, f.audit);
  const command = (settings: SsoSettingsInput, orgId = org.id) =>
    UpdateSsoSettingsCommand.create({ caller, orgId, settings });
  return { f, org, caller, useCase, command };
}

const fieldsOf = (build: () => unknown): string[] => {
  try {
    build();
  } catch (err) {
    if (err instanceof InvalidCommandError) return err.violations.map((v) => v.field);
    throw err;
  }
  throw new Error('expected InvalidCommandError');
};

describe('updating SSO settings', () => {
  it('stores tenant ids and domains lower-cased and without duplicates', async () => {
    const s = await setUp();
    await s.useCase.execute(
      s.command({
        entraTenantIds: [TENANT.toUpperCase(), TENANT],
        googleHostedDomains: [' Contoso.COM '],
        allowedDomains: ['contoso.com', 'CONTOSO.com', 'xn--mnchen-3ya.de'],
        groupRoles: [
          { group: 'Ops@Contoso.com', role: 'viewer' },
          { group: 'ops@contoso.com', role: 'viewer' },
        ],
      }),
    );
    expect((await s.f.organisations.findById(s.org.id))?.sso).toEqual<SsoSettings>({
      entraTenantIds: [TENANT],
      googleHostedDomains: ['contoso.com'],
      allowedDomains: ['contoso.com', 'xn--mnchen-3ya.de'],
      groupRoles: [{ group: 'ops@contoso.com', role: 'viewer' }],
    });
  });

  it('audits org.sso.updated with the list sizes only', async () => {
    const s = await setUp();
    await s.useCase.execute(s.command(valid));
    expect(s.f.audit.entries).toEqual([
      expect.objectContaining({
        action: 'org.sso.updated',
        orgId: s.org.id,
        actor: { kind: 'account', id: s.caller.accountId },
        target: { type: 'organisation', id: s.org.id },
        detail: { entraTenants: '1', googleHostedDomains: '0', allowedDomains: '1', groupRoles: '1' },
      }),
    ]);
  });

  it('refuses tenant ids that are not UUIDs', async () => {
    const s = await setUp();
    expect(
      fieldsOf(() => s.command({ ...valid, entraTenantIds: [TENANT, 'contoso.onmicrosoft.com'] })),
    ).toEqual(['entraTenantIds[1]']);
  });

  it('refuses domains that are not DNS names', async () => {
    const s = await setUp();
    const bad = [
      'contoso',
      'exa mple.com',
      '-bad.com',
      'münchen.de',
      '*.contoso.com',
      'contoso.com.',
      '10.0.0.1',
      `${'a'.repeat(64)}.com`,
    ];
    expect(fieldsOf(() => s.command({ ...valid, allowedDomains: ['contoso.com', ...bad] }))).toEqual(
      bad.map((_, i) => `allowedDomains[${i + 1}]`),
    );
    expect(fieldsOf(() => s.command({ ...valid, googleHostedDomains: ['contoso'] }))).toEqual([
      'googleHostedDomains[0]',
    ]);
  });

  it('refuses group mappings to platform-admin or to an unknown role', async () => {
    const s = await setUp();
    const groupRoles = [
      { group: 'admins', role: 'platform-admin' },
      { group: 'others', role: 'owner' },
      { group: '', role: 'viewer' },
    ];
    expect(fieldsOf(() => s.command({ ...valid, groupRoles }))).toEqual([
      'groupRoles[0].role',
      'groupRoles[1].role',
      'groupRoles[2].group',
    ]);
  });

  it('accepts at most 20 tenants, 20 domains per list and 100 group mappings', async () => {
    const s = await setUp();
    const tenants = (n: number) => Array.from({ length: n }, () => randomUUID());
    const domains = (n: number) => Array.from({ length: n }, (_, i) => `d${i}.contoso.com`);
    const mappings = (n: number) => Array.from({ length: n }, (_, i) => ({ group: `g${i}`, role: 'viewer' }));
    expect(() =>
      s.command({
        entraTenantIds: tenants(20),
        googleHostedDomains: domains(20),
        allowedDomains: domains(20),
        groupRoles: mappings(100),
      }),
    ).not.toThrow();
    expect(fieldsOf(() => s.command({ ...valid, entraTenantIds: tenants(21) }))).toEqual(['entraTenantIds']);
    expect(fieldsOf(() => s.command({ ...valid, googleHostedDomains: domains(21) }))).toEqual([
      'googleHostedDomains',
    ]);
    expect(fieldsOf(() => s.command({ ...valid, allowedDomains: domains(21) }))).toEqual(['allowedDomains']);
    expect(fieldsOf(() => s.command({ ...valid, groupRoles: mappings(101) }))).toEqual(['groupRoles']);
  });

  it('refuses to enable a provider without allowed domains or group mappings', async () => {
    const s = await setUp();
    expect(fieldsOf(() => s.command({ entraTenantIds: [TENANT] }))).toEqual(['allowedDomains', 'groupRoles']);
    expect(() => s.command({})).not.toThrow();
  });

  it("answers not found for another organisation's settings", async () => {
    const s = await setUp();
    const other = anOrganisation();
    await s.f.organisations.insert(other);
    await expect(s.useCase.execute(s.command(valid, other.id))).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.f.organisations.findById(other.id))?.sso.entraTenantIds).toEqual([]);
  });

  it('refuses a change the audit trail does not take: the previous settings stay', async () => {
    const s = await setUp();
    s.f.audit.failing = true;
    const refused = s.useCase.execute(s.command(valid));
    await expect(refused).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(refused).rejects.toThrow('the audit trail is unavailable; the change was not applied');
    expect((await s.f.organisations.findById(s.org.id))?.sso).toEqual(s.org.sso);
  });

  it('replaces the settings, for anyone to see, only once its record is stored', async () => {
    const s = await setUp();
    const seen: unknown[] = [];
    s.f.audit.beforeStoring = async () => {
      seen.push((await s.f.organisations.findById(s.org.id))?.sso);
    };
    await s.useCase.execute(s.command(valid));
    expect(seen).toEqual([s.org.sso]);
    expect((await s.f.organisations.findById(s.org.id))?.sso.entraTenantIds).toEqual([TENANT]);
  });
});
