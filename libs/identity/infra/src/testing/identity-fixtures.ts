import { randomUUID } from 'node:crypto';
import type { Account, Organisation, Session } from '@ferry/identity/domain';

const NO_SSO = { entraTenantIds: [], googleHostedDomains: [], allowedDomains: [], groupRoles: [] };

export function anOrganisation(overrides: Partial<Organisation> = {}): Organisation {
  return {
    id: randomUUID(),
    name: 'Contoso',
    mfaRequired: true,
    sso: NO_SSO,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

export function anAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: randomUUID(),
    orgId: null,
    loginName: `user-${randomUUID().slice(0, 8)}`,
    displayName: 'IT Admin',
    email: null,
    realName: null,
    roles: [],
    mfaEnrolled: false,
    federated: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

export function aSession(accountId: string, now: Date, overrides: Partial<Session> = {}): Session {
  return {
    id: randomUUID(),
    accountId,
    orgId: null,
    amr: ['pwd', 'otp'],
    subjectPseudonym: null,
    createdAt: now,
    lastUsedAt: now,
    idleExpiresAt: new Date(now.getTime() + 30 * 60_000),
    absoluteExpiresAt: new Date(now.getTime() + 12 * 3_600_000),
    revokedAt: null,
    revokeReason: null,
    ...overrides,
  };
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
