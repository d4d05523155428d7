import { randomUUID } from 'node:crypto';
import type { Account, Organisation } from '@ferry/identity/domain';

/** An organisation with MFA required and SSO off, unless overridden. */
export function anOrganisation(overrides: Partial<Organisation> = {}): Organisation {
  return {
    id: randomUUID(),
    name: 'Contoso',
    mfaRequired: true,
    sso: { entraTenantIds: [], googleHostedDomains: [], allowedDomains: [], groupRoles: [] },
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

/** A password account in `orgId` (a fresh UUID unless given) with the viewer role, not MFA-enrolled, unless overridden. */
export function anAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: randomUUID(),
    orgId: randomUUID(),
    loginName: `user-${randomUUID().slice(0, 8)}`,
    displayName: 'IT Admin',
    email: null,
    realName: null,
    roles: ['viewer'],
    mfaEnrolled: false,
    federated: null,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    ...overrides,
  };
}
