import { randomUUID } from 'node:crypto';
import type { CallerInfo } from '@ferry/connectors/application';
import type { Connector, GoogleSettings, ImapSettings, MicrosoftSettings } from '@ferry/connectors/domain';

/** Microsoft 365 with a client secret in the global cloud, unless overridden. */
export function microsoftSettings(
  overrides: Partial<Omit<MicrosoftSettings, 'kind'>> = {},
): MicrosoftSettings {
  return {
    kind: 'microsoft-365',
    auth: 'client-secret',
    tenantId: randomUUID(),
    clientId: randomUUID(),
    cloud: 'global',
    ...overrides,
  };
}

/** Google Workspace with a service account, unless overridden. */
export function googleSettings(overrides: Partial<Omit<GoogleSettings, 'kind'>> = {}): GoogleSettings {
  return {
    kind: 'google-workspace',
    auth: 'service-account',
    customerId: 'C01abc2de',
    serviceAccountClientId: '112233445566778899',
    ...overrides,
  };
}

/** Per-user IMAP over implicit TLS on port 993, unless overridden. */
export function imapSettings(overrides: Partial<Omit<ImapSettings, 'kind'>> = {}): ImapSettings {
  return {
    kind: 'imap',
    host: 'imap.example.net',
    port: 993,
    security: 'implicit-tls',
    auth: 'per-user',
    ...overrides,
  };
}

/** An active Microsoft 365 connector for mail and calendar at version 1, unless overridden (`kind` follows `settings`). */
export function aConnector(overrides: Partial<Connector> = {}): Connector {
  const settings = overrides.settings ?? microsoftSettings();
  return {
    id: randomUUID(),
    orgId: randomUUID(),
    name: 'Contoso tenant',
    workloads: ['mail', 'calendar'],
    projectTag: null,
    status: 'active',
    version: 1,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    updatedAt: new Date('2025-01-01T00:00:00.000Z'),
    ...overrides,
    settings,
    kind: settings.kind,
  };
}

/** A signed-in operator. */
export function aCaller(overrides: Partial<CallerInfo> = {}): CallerInfo {
  return { accountId: randomUUID(), sourceAddress: '203.0.113.7', userAgent: 'spec', ...overrides };
}
