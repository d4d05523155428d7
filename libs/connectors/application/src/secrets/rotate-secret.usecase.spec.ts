import type { Connector } from '@ferry/connectors/domain';
import {
  aCaller,
  aConnector,
  createConnectorFakes,
  googleSettings,
  imapSettings,
  microsoftSettings,
} from '@ferry/connectors/testing';
import { AuditUnavailableError, ConnectorStateError, InvalidCommandError } from '../connectors.errors';
import { type RotateSecretInput, RotateSecretUseCase } from './rotate-secret.usecase';

const OLD = 'planted-old-secret';
const NEW = 'planted-new-secret';
const PEM = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';

function setup(connector: Connector = aConnector({ version: 2 }), field = 'client-secret') {
  const f = createConnectorFakes();
  f.seed(connector, { [field]: OLD });
  const useCase = new RotateSecretUseCase(f.connectors, f.vault, f.inspector, f.audit, f.clock);
  const input = (o: Partial<RotateSecretInput> = {}): RotateSecretInput => ({
    orgId: connector.orgId,
    connectorId: connector.id,
    secret: NEW,
    expiresAt: null,
    caller: aCaller(),
    ...o,
  });
  const stored = () => ({
    connector: f.store.connector(connector.orgId, connector.id),
    secret: f.store.secrets(connector.orgId, connector.id).get(field),
  });
  return { f, connector, useCase, input, stored };
}

describe('RotateSecretUseCase', () => {
  it('replaces the primary secret with its expiry, bumps the version and audits the field, never the value', async () => {
    const { f, connector, useCase, input, stored } = setup();
    const expiresAt = new Date('2026-01-01T00:00:00.000Z');
    const next = await useCase.execute(input({ expiresAt }));
    expect(next).toMatchObject({ version: 3, status: 'active' });
    expect(stored().connector).toEqual(next);
    expect(stored().secret).toMatchObject({ value: NEW, expiresAt });
    expect(f.audit.entries.map((e) => [e.action, e.connectorId, e.detail])).toEqual([
      ['connector.secret.rotated', connector.id, { field: 'client-secret' }],
    ]);
    expect(JSON.stringify(f.audit.entries)).not.toContain('planted');
  });

  it('stores the earlier of the given expiry and the one the credential carries', async () => {
    const { f, useCase, input, stored } = setup();
    const carried = new Date('2025-08-01T00:00:00.000Z');
    f.inspector.expiresAt = carried;
    await useCase.execute(input({ expiresAt: new Date('2030-01-01T00:00:00.000Z') }));
    expect(stored().secret?.expiresAt).toEqual(carried);
  });

  it('certificate authentication needs the new certificate, and stores what the inspector derives from it', async () => {
    const cert = aConnector({
      settings: microsoftSettings({
        auth: 'certificate',
        certificate: { pem: 'old', thumbprintSha256: 'a'.repeat(64), notAfter: '2025-01-01T00:00:00.000Z' },
      }),
    });
    const { f, useCase, input, stored } = setup(cert, 'certificate-key');
    const err = await useCase.execute(input()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidCommandError);
    expect((err as InvalidCommandError).violations).toEqual([
      { field: 'certificatePem', reason: 'required with a new private key' },
    ]);
    expect(stored().secret?.value).toBe(OLD);
    expect(f.inspector.calls).toEqual([]);
    const next = await useCase.execute(input({ certificatePem: PEM }));
    expect(f.inspector.calls[0]?.settings).toMatchObject({ certificate: { pem: PEM } });
    expect(next.settings).toMatchObject({ certificate: { pem: PEM, thumbprintSha256: 'c'.repeat(64) } });
    expect(stored().secret?.value).toBe(NEW);
  });

  it.each([
    ['a client secret', aConnector()],
    ['a Google service account', aConnector({ settings: googleSettings() })],
    [
      'a master-user IMAP connector',
      aConnector({ settings: imapSettings({ auth: 'master-user', masterUser: 'master' }) }),
    ],
  ])('refuses a certificate for %s', async (_label, connector) => {
    const { useCase, input, stored } = setup(connector, 'any');
    await expect(useCase.execute(input({ certificatePem: PEM }))).rejects.toEqual(
      new InvalidCommandError([{ field: 'certificatePem', reason: 'only for certificate authentication' }]),
    );
    expect(stored().connector).toEqual(connector);
  });

  it.each([
    ['admin consent', aConnector({ settings: microsoftSettings({ auth: 'admin-consent' }) })],
    ['per-user IMAP', aConnector({ settings: imapSettings() })],
  ])('refuses to rotate for %s, which has no secret of its own', async (_label, connector) => {
    const { useCase, input } = setup(connector);
    await expect(useCase.execute(input())).rejects.toBeInstanceOf(ConnectorStateError);
  });

  it("a refusal by the provider's inspector stores nothing", async () => {
    const { f, connector, useCase, input, stored } = setup();
    f.inspector.violations = [{ field: 'secret', reason: 'not a client secret' }];
    await expect(useCase.execute(input())).rejects.toBeInstanceOf(InvalidCommandError);
    expect(stored()).toMatchObject({ connector, secret: { value: OLD } });
    expect(f.audit.attempts).toBe(0);
  });

  it('refuses an empty secret before reading anything', async () => {
    const { f, useCase, input } = setup();
    await expect(useCase.execute(input({ secret: '' }))).rejects.toBeInstanceOf(InvalidCommandError);
    expect(f.inspector.calls).toEqual([]);
  });

  it('brings a purged connector back to active', async () => {
    const { useCase, input } = setup(aConnector({ status: 'credentials-removed' }));
    expect((await useCase.execute(input())).status).toBe('active');
  });

  it('refuses to revive a purged service-account connector, whose sealed admin user went with the purge', async () => {
    const purged = aConnector({ status: 'credentials-removed', kind: 'google-workspace', settings: googleSettings() });
    const { f, useCase, input } = setup(purged, 'service-account-key');
    await expect(useCase.execute(input())).rejects.toEqual(new ConnectorStateError('its credentials were purged, the admin user with them: create a new connector'));
    expect(f.audit.entries).toEqual([]);
  });

  it('when the audit record cannot be stored, it fails with AuditUnavailableError and the old secret stays', async () => {
    const { f, connector, useCase, input, stored } = setup();
    f.audit.failing = true;
    await expect(useCase.execute(input())).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(stored()).toMatchObject({ connector, secret: { value: OLD } });
  });

  it('refuses when the connector changed since it was read', async () => {
    const { f, connector, useCase, input, stored } = setup();
    f.inspector.inspect = async (settings) => {
      f.store.putConnector({ ...connector, version: connector.version + 1 });
      return { settings, violations: [], expiresAt: null };
    };
    await expect(useCase.execute(input())).rejects.toBeInstanceOf(ConnectorStateError);
    expect(stored().secret?.value).toBe(OLD);
    expect(f.audit.attempts).toBe(0);
  });
});
