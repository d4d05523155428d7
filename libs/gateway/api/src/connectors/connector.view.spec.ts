import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ConnectorKind,
  ConnectorSchema,
  ConnectorStatus,
  GoogleAuth,
  ImapAuth,
  ImapSecurity,
  ImportImapUsersResponseSchema,
  MicrosoftAuth,
  TestConnectorResponseSchema,
} from '@ferry/contracts';
import { connectorView, importResultView, testReportView } from './connector.view';

const at = (iso: string) => timestampFromDate(new Date(iso));
const base = {
  id: 'c1',
  orgId: 'o1',
  name: 'Contoso',
  version: 4,
  workloads: ['mail', 'calendar'],
  createdAt: at('2025-01-01T00:00:00Z'),
  updatedAt: at('2025-02-01T00:00:00Z'),
  status: ConnectorStatus.ACTIVE,
};

describe('connectorView', () => {
  it('shows a Microsoft connector with its secrets as metadata, its warnings and its certificate by thumbprint', () => {
    const view = connectorView(
      create(ConnectorSchema, {
        ...base,
        kind: ConnectorKind.MICROSOFT_365,
        settings: {
          case: 'microsoft',
          value: { auth: MicrosoftAuth.CERTIFICATE, tenantId: 't', clientId: 'c', cloud: 'global', certificatePem: '-----BEGIN CERTIFICATE-----', certificateThumbprint: 'ab', certificateExpiresAt: at('2026-01-01T00:00:00Z') },
        },
        secrets: [{ field: 'certificate-key', createdAt: at('2025-01-01T00:00:00Z'), expiresAt: at('2026-01-01T00:00:00Z'), fingerprint: '0123456789abcdef' }],
        warnings: [{ field: 'certificate-key', code: 'expires-soon', message: 'rotate it' }],
      }),
    );
    expect(view).toEqual({
      id: 'c1',
      orgId: 'o1',
      name: 'Contoso',
      kind: 'microsoft-365',
      status: 'active',
      version: 4,
      workloads: ['mail', 'calendar'],
      projectTag: null,
      settings: { auth: 'certificate', tenantId: 't', clientId: 'c', cloud: 'global', authorityHost: null, graphOrigin: null, certificateThumbprint: 'ab', certificateExpiresAt: '2026-01-01T00:00:00.000Z' },
      secrets: [{ field: 'certificate-key', createdAt: '2025-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, fingerprint: '0123456789abcdef' }],
      warnings: [{ field: 'certificate-key', code: 'expires-soon', message: 'rotate it' }],
      userCredentialCount: 0,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-02-01T00:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toContain('BEGIN CERTIFICATE');
  });

  it('never shows the Google admin user, whatever the service sends', () => {
    const google = (adminUser: string) =>
      connectorView(create(ConnectorSchema, { ...base, kind: ConnectorKind.GOOGLE_WORKSPACE, settings: { case: 'google', value: { auth: GoogleAuth.SERVICE_ACCOUNT, customerId: 'C01abc2de', adminUser, serviceAccountClientId: '1234' } } }));
    expect(google('admin@fabrikam.example').settings).toEqual({ auth: 'service-account', customerId: 'C01abc2de', adminUser: '(set)', oauthClientId: null, serviceAccountClientId: '1234' });
    expect(JSON.stringify(google('admin@fabrikam.example'))).not.toContain('fabrikam.example');
    expect(google('').settings).toMatchObject({ adminUser: null });
  });

  it('shows an IMAP connector with its project, user count and whether it trusts its own CA', () => {
    const view = connectorView(
      create(ConnectorSchema, {
        ...base,
        kind: ConnectorKind.IMAP,
        status: ConnectorStatus.CREDENTIALS_REMOVED,
        projectTag: 'move-2026',
        userCredentialCount: 12,
        settings: { case: 'imap', value: { host: 'imap.example.org', port: 993, security: ImapSecurity.IMPLICIT_TLS, auth: ImapAuth.PER_USER, caCertificatePem: '-----BEGIN CERTIFICATE-----' } },
      }),
    );
    expect(view).toMatchObject({
      kind: 'imap',
      status: 'credentials-removed',
      projectTag: 'move-2026',
      userCredentialCount: 12,
      settings: { host: 'imap.example.org', port: 993, security: 'implicit-tls', auth: 'per-user', masterUser: null, masterSeparator: null, customCa: true },
    });
  });

  it('names enum values it does not know "unspecified" and refuses a missing connector', () => {
    expect(connectorView(create(ConnectorSchema, { ...base, kind: 42 as ConnectorKind, status: 42 as ConnectorStatus }))).toMatchObject({ kind: 'unspecified', status: 'unspecified', settings: null });
    expect(() => connectorView(undefined)).toThrow('without a connector');
  });
});

describe('testReportView and importResultView', () => {
  it('show findings with a null remedy when there is none', () => {
    const report = create(TestConnectorResponseSchema, {
      ok: false,
      durationMs: 840,
      findings: [
        { check: 'credentials', status: 'ok', detail: 'token issued' },
        { check: 'permission:Mail.ReadWrite', status: 'missing', detail: 'not granted', remedy: 'grant it in Entra' },
      ],
    });
    expect(testReportView(report)).toEqual({
      ok: false,
      durationMs: 840,
      findings: [
        { check: 'credentials', status: 'ok', detail: 'token issued', remedy: null },
        { check: 'permission:Mail.ReadWrite', status: 'missing', detail: 'not granted', remedy: 'grant it in Entra' },
      ],
    });
  });

  it('show the refused rows by line', () => {
    expect(importResultView(create(ImportImapUsersResponseSchema, { imported: 0, total: 3, errors: [{ line: 4, reason: 'address missing' }] }))).toEqual({
      imported: 0,
      total: 3,
      errors: [{ line: 4, reason: 'address missing' }],
    });
  });
});
