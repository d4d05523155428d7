import { randomUUID } from 'node:crypto';
import {
  aCaller,
  createConnectorFakes,
  googleSettings,
  imapSettings,
  microsoftSettings,
} from '@ferry/connectors/testing';
import { AuditUnavailableError, InvalidCommandError } from '../connectors.errors';
import { CreateConnectorCommand } from './create-connector.command';
import { CreateConnectorUseCase } from './create-connector.usecase';

const SECRET = 'planted-client-secret-value';
const ADMIN = 'planted-admin@contoso.com';

function setup() {
  const f = createConnectorFakes();
  const useCase = new CreateConnectorUseCase(f.connectors, f.inspector, f.audit, f.clock);
  const caller = aCaller();
  const command = (o: Partial<Parameters<typeof CreateConnectorCommand.create>[0]> = {}) =>
    CreateConnectorCommand.create({
      orgId: randomUUID(),
      name: 'Contoso',
      settings: microsoftSettings(),
      workloads: ['mail', 'calendar'],
      projectTag: 'wave-1',
      secret: SECRET,
      caller,
      ...o,
    });
  return { f, useCase, caller, command };
}

describe('CreateConnectorUseCase', () => {
  it('stores the connector at version 1 with its secret sealed under its field, and audits the creation', async () => {
    const { f, useCase, caller, command } = setup();
    const submitted = command();
    const created = await useCase.execute(submitted);
    expect(created).toMatchObject({
      kind: 'microsoft-365',
      name: 'Contoso',
      workloads: ['mail', 'calendar'],
      projectTag: 'wave-1',
      status: 'active',
      version: 1,
    });
    expect(created.createdAt).toEqual(f.clock.now());
    expect(await f.connectors.get(created.orgId, created.id)).toEqual(created);
    expect([...f.store.secrets(created.orgId, created.id)].map(([field, s]) => [field, s.value])).toEqual([
      ['client-secret', SECRET],
    ]);
    expect(f.audit.entries).toEqual([
      {
        orgId: created.orgId,
        actor: { kind: 'account', id: caller.accountId },
        action: 'connector.created',
        connectorId: created.id,
        outcome: 'success',
        sourceAddress: caller.sourceAddress,
        userAgent: caller.userAgent,
        detail: { kind: 'microsoft-365', auth: 'client-secret' },
      },
    ]);
    expect(f.inspector.calls).toEqual([{ settings: submitted.settings, secret: SECRET }]);
  });

  it('a refusal by the provider inspector stops it before anything is stored or audited', async () => {
    const { f, useCase, command } = setup();
    f.inspector.violations = [{ field: 'secret', reason: 'not a client secret of this app' }];
    await expect(useCase.execute(command())).rejects.toEqual(new InvalidCommandError(f.inspector.violations));
    expect(f.store.connectors()).toEqual([]);
    expect([f.store.commits, f.store.rollbacks, f.audit.attempts]).toEqual([0, 0, 0]);
  });

  it('when the audit record cannot be stored, it fails with AuditUnavailableError and nothing is stored', async () => {
    const { f, useCase, command } = setup();
    f.audit.failing = true;
    await expect(useCase.execute(command())).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(f.audit.attempts).toBe(1);
    expect(f.store.rollbacks).toBe(1);
    expect(f.store.connectors()).toEqual([]);
    expect(f.store.dump()).not.toContain(SECRET);
  });

  it('stores what the inspector derived (a certificate thumbprint) and the earliest of the two expiries', async () => {
    const { f, useCase, command } = setup();
    const notAfter = new Date('2025-09-01T00:00:00.000Z');
    f.inspector.expiresAt = notAfter;
    const settings = microsoftSettings({
      auth: 'certificate',
      certificate: {
        pem: '-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----',
        thumbprintSha256: '',
        notAfter: '',
      },
    });
    const created = await useCase.execute(
      command({ settings, secretExpiresAt: new Date('2026-01-01T00:00:00.000Z') }),
    );
    expect(created.settings).toMatchObject({
      certificate: { thumbprintSha256: 'c'.repeat(64), notAfter: notAfter.toISOString() },
    });
    expect(f.store.secrets(created.orgId, created.id).get('certificate-key')?.expiresAt).toEqual(notAfter);
    const sooner = new Date('2025-07-01T00:00:00.000Z');
    const second = await useCase.execute(command({ settings, secretExpiresAt: sooner }));
    expect(f.store.secrets(second.orgId, second.id).get('certificate-key')?.expiresAt).toEqual(sooner);
  });

  it('an admin-consent connector without a tenant waits for consent and stores no secret', async () => {
    const { f, useCase, command } = setup();
    const created = await useCase.execute(
      command({ settings: microsoftSettings({ auth: 'admin-consent', tenantId: '' }), secret: '' }),
    );
    expect(created.status).toBe('pending-consent');
    expect(f.store.secrets(created.orgId, created.id).size).toBe(0);
  });

  it('a per-user IMAP connector stores no secret until its users are imported', async () => {
    const { f, useCase, command } = setup();
    const created = await useCase.execute(
      command({ settings: imapSettings(), secret: '', workloads: ['mail'] }),
    );
    expect(created).toMatchObject({ kind: 'imap', status: 'active' });
    expect(f.store.secrets(created.orgId, created.id).size).toBe(0);
  });

  it("seals a Google service account's admin user beside its key, never in settings or the audit record", async () => {
    const { f, useCase, command } = setup();
    const key = '{"type":"service_account","private_key":"planted"}';
    const created = await useCase.execute(
      command({ settings: googleSettings(), secret: key, adminUser: ADMIN }),
    );
    const secrets = f.store.secrets(created.orgId, created.id);
    expect([...secrets.keys()].sort()).toEqual(['admin-user', 'service-account-key']);
    expect(secrets.get('admin-user')?.value).toBe(ADMIN);
    expect(JSON.stringify(created)).not.toContain(ADMIN);
    expect(JSON.stringify(f.audit.entries)).not.toMatch(/planted/);
    expect(f.audit.entries[0]?.detail).toEqual({ kind: 'google-workspace', auth: 'service-account' });
  });
});
