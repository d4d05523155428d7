import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ConnectorView } from '@ferry/connectors/application';
import type { Connector, ConnectorSettings, ConnectorStatus } from '@ferry/connectors/domain';
import {
  ConnectorKind,
  type ConnectorSchema,
  ConnectorStatus as ConnectorStatusMessage,
  type CreateConnectorRequest,
  GoogleAuth,
  ImapAuth,
  ImapSecurity,
  MicrosoftAuth,
  MicrosoftSettingsSchema,
} from '@ferry/contracts';

const MICROSOFT_AUTH = { certificate: MicrosoftAuth.CERTIFICATE, 'client-secret': MicrosoftAuth.CLIENT_SECRET, 'admin-consent': MicrosoftAuth.ADMIN_CONSENT, delegated: MicrosoftAuth.DELEGATED } as const;
const GOOGLE_AUTH = { 'service-account': GoogleAuth.SERVICE_ACCOUNT, delegated: GoogleAuth.DELEGATED } as const;
const IMAP_SECURITY = { 'implicit-tls': ImapSecurity.IMPLICIT_TLS, starttls: ImapSecurity.STARTTLS } as const;
const IMAP_AUTH = { 'per-user': ImapAuth.PER_USER, 'master-user': ImapAuth.MASTER_USER } as const;
const KIND = { 'microsoft-365': ConnectorKind.MICROSOFT_365, 'google-workspace': ConnectorKind.GOOGLE_WORKSPACE, imap: ConnectorKind.IMAP } as const;
const STATUS: Record<ConnectorStatus, ConnectorStatusMessage> = {
  active: ConnectorStatusMessage.ACTIVE,
  'pending-consent': ConnectorStatusMessage.PENDING_CONSENT,
  'credentials-removed': ConnectorStatusMessage.CREDENTIALS_REMOVED,
};

function nameOf<T extends Record<string, number>>(table: T, value: number): keyof T | undefined {
  return (Object.keys(table) as (keyof T)[]).find((k) => table[k] === value);
}

/** The settings of a create request in domain terms; undefined when they do not match the kind. */
export function settingsFromRequest(req: CreateConnectorRequest): ConnectorSettings | undefined {
  const s = req.settings;
  if (req.kind === ConnectorKind.MICROSOFT_365 && s.case === 'microsoft') {
    const auth = nameOf(MICROSOFT_AUTH, s.value.auth);
    if (!auth) return undefined;
    return {
      kind: 'microsoft-365',
      auth,
      tenantId: s.value.tenantId.toLowerCase(),
      clientId: s.value.clientId.toLowerCase(),
      cloud: (s.value.cloud || 'global') as 'global',
      ...(s.value.cloud === 'custom' && { endpoints: { authorityHost: s.value.authorityHost, graphOrigin: s.value.graphOrigin } }),
      ...(s.value.certificatePem && { certificate: { pem: s.value.certificatePem, thumbprintSha256: '', notAfter: '' } }),
    };
  }
  if (req.kind === ConnectorKind.GOOGLE_WORKSPACE && s.case === 'google') {
    const auth = nameOf(GOOGLE_AUTH, s.value.auth);
    if (!auth) return undefined;
    return { kind: 'google-workspace', auth, customerId: s.value.customerId, ...(s.value.oauthClientId && { oauthClientId: s.value.oauthClientId }) };
  }
  if (req.kind === ConnectorKind.IMAP && s.case === 'imap') {
    const security = nameOf(IMAP_SECURITY, s.value.security);
    const auth = nameOf(IMAP_AUTH, s.value.auth);
    if (!security || !auth) return undefined;
    return {
      kind: 'imap',
      host: s.value.host.toLowerCase(),
      port: s.value.port,
      security,
      auth,
      ...(s.value.masterUser && { masterUser: s.value.masterUser }),
      ...(s.value.masterSeparator && { masterSeparator: s.value.masterSeparator }),
      ...(s.value.caCertificatePem && { caCertificatePem: s.value.caCertificatePem }),
    };
  }
  return undefined;
}

/** The IMAP server settings as a message (the broker's IMAP login carries them). */
export function imapSettingsMessage(s: Extract<ConnectorSettings, { kind: 'imap' }>) {
  return {
    host: s.host,
    port: s.port,
    security: IMAP_SECURITY[s.security],
    auth: IMAP_AUTH[s.auth],
    masterUser: s.masterUser ?? '',
    masterSeparator: s.masterSeparator ?? '',
    caCertificatePem: s.caCertificatePem ?? '',
  };
}

function settingsMessage(s: ConnectorSettings): MessageInitShape<typeof ConnectorSchema>['settings'] {
  switch (s.kind) {
    case 'microsoft-365':
      return {
        case: 'microsoft',
        value: create(MicrosoftSettingsSchema, {
          auth: MICROSOFT_AUTH[s.auth],
          tenantId: s.tenantId,
          clientId: s.clientId,
          cloud: s.cloud,
          authorityHost: s.endpoints?.authorityHost ?? '',
          graphOrigin: s.endpoints?.graphOrigin ?? '',
          // The PEM stays out of views (the thumbprint and expiry identify it): lists must fit a NATS message.
          certificatePem: '',
          certificateThumbprint: s.certificate?.thumbprintSha256 ?? '',
          ...(s.certificate?.notAfter && { certificateExpiresAt: timestampFromDate(new Date(s.certificate.notAfter)) }),
        }),
      };
    case 'google-workspace':
      return {
        case: 'google',
        value: {
          auth: GOOGLE_AUTH[s.auth],
          customerId: s.customerId,
          // The admin user is PII, sealed in the vault: shown only as set.
          adminUser: s.auth === 'service-account' ? '(set)' : '',
          oauthClientId: s.oauthClientId ?? '',
          serviceAccountClientId: s.serviceAccountClientId ?? '',
        },
      };
    case 'imap':
      return { case: 'imap', value: imapSettingsMessage(s) };
  }
}

/** The connector as its metadata message: never a secret value. */
export function connectorMessage(c: Connector, view?: Omit<ConnectorView, 'connector'>): MessageInitShape<typeof ConnectorSchema> {
  const primary = view?.secrets.find((s) => s.field !== 'admin-user');
  return {
    id: c.id,
    orgId: c.orgId,
    name: c.name,
    kind: KIND[c.kind],
    createdAt: timestampFromDate(c.createdAt),
    secretFingerprint: primary?.fingerprint ?? '',
    settings: settingsMessage(c.settings),
    workloads: [...c.workloads],
    projectTag: c.projectTag ?? '',
    version: c.version,
    updatedAt: timestampFromDate(c.updatedAt),
    status: STATUS[c.status],
    secrets: (view?.secrets ?? []).map((s) => ({
      field: s.field,
      createdAt: timestampFromDate(s.createdAt),
      ...(s.expiresAt && { expiresAt: timestampFromDate(s.expiresAt) }),
      ...(s.lastUsedAt && { lastUsedAt: timestampFromDate(s.lastUsedAt) }),
      fingerprint: s.fingerprint,
    })),
    warnings: (view?.warnings ?? []).map((w) => ({ ...w })),
    userCredentialCount: view?.userCredentialCount ?? 0,
  };
}
