import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import type { Connector, ImportImapUsersResponse, TestConnectorResponse } from '@ferry/contracts';
import { GOOGLE_AUTH, IMAP_AUTH, IMAP_SECURITY, KIND, MICROSOFT_AUTH, nameOf, STATUS } from './connector-names';

const iso = (t: Timestamp | undefined): string | null => (t ? timestampDate(t).toISOString() : null);
const orNull = (s: string): string | null => s || null;

/**
 * A connector's settings as the API shows them: never a secret. Certificates are shown by thumbprint
 * and expiry (the PEM is what the caller sent, and large); the Google admin user is personal data
 * sealed in the vault, shown only as "(set)".
 */
function settingsView(settings: Connector['settings']) {
  switch (settings.case) {
    case 'microsoft': {
      const m = settings.value;
      return {
        auth: nameOf(MICROSOFT_AUTH, m.auth),
        tenantId: orNull(m.tenantId),
        clientId: orNull(m.clientId),
        cloud: m.cloud || 'global',
        authorityHost: orNull(m.authorityHost),
        graphOrigin: orNull(m.graphOrigin),
        certificateThumbprint: orNull(m.certificateThumbprint),
        certificateExpiresAt: iso(m.certificateExpiresAt),
      };
    }
    case 'google': {
      const g = settings.value;
      return {
        auth: nameOf(GOOGLE_AUTH, g.auth),
        customerId: g.customerId,
        adminUser: g.adminUser ? '(set)' : null,
        oauthClientId: orNull(g.oauthClientId),
        serviceAccountClientId: orNull(g.serviceAccountClientId),
      };
    }
    case 'imap': {
      const i = settings.value;
      return {
        host: i.host,
        port: i.port,
        security: nameOf(IMAP_SECURITY, i.security),
        auth: nameOf(IMAP_AUTH, i.auth),
        masterUser: orNull(i.masterUser),
        masterSeparator: orNull(i.masterSeparator),
        customCa: i.caCertificatePem !== '',
      };
    }
    case undefined:
      return null;
  }
}

/** The connector as GET/POST/PATCH answer it: metadata of its secrets, never a value. */
export function connectorView(c: Connector | undefined) {
  if (!c) throw new Error('the connectors service answered without a connector');
  return {
    id: c.id,
    orgId: c.orgId,
    name: c.name,
    kind: nameOf(KIND, c.kind),
    status: nameOf(STATUS, c.status),
    version: c.version,
    workloads: [...c.workloads],
    projectTag: orNull(c.projectTag),
    settings: settingsView(c.settings),
    secrets: c.secrets.map((s) => ({ field: s.field, createdAt: iso(s.createdAt), expiresAt: iso(s.expiresAt), lastUsedAt: iso(s.lastUsedAt), fingerprint: s.fingerprint })),
    warnings: c.warnings.map((w) => ({ field: w.field, code: w.code, message: w.message })),
    userCredentialCount: c.userCredentialCount,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

/** A connection test's report: `ok` is false when any finding is missing or failed. */
export function testReportView(r: TestConnectorResponse) {
  return {
    ok: r.ok,
    durationMs: r.durationMs,
    findings: r.findings.map((f) => ({ check: f.check, status: f.status, detail: f.detail, remedy: orNull(f.remedy) })),
  };
}

/** An IMAP user import's result; with any error, nothing was stored. */
export function importResultView(r: ImportImapUsersResponse) {
  return { imported: r.imported, total: r.total, errors: r.errors.map((e) => ({ line: e.line, reason: e.reason })) };
}
