import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { IssuedTokens, SignInResult } from '@ferry/identity/application';
import type { Account, Organisation, SsoSettings } from '@ferry/identity/domain';
import { Role, SsoProvider } from '@ferry/contracts';
import type { RoleName } from '@ferry/platform/rbac';

const ROLES: Record<RoleName, Role> = {
  'platform-admin': Role.PLATFORM_ADMIN,
  'org-admin': Role.ORG_ADMIN,
  'migration-operator': Role.MIGRATION_OPERATOR,
  auditor: Role.AUDITOR,
  viewer: Role.VIEWER,
};

export function roleMessage(role: RoleName): Role {
  return ROLES[role];
}

/** The role's name, or '' for UNSPECIFIED and unknown numbers (the commands refuse '' with a reason). */
export function roleName(role: Role): string {
  return (Object.entries(ROLES).find(([, v]) => v === role)?.[0] as RoleName | undefined) ?? '';
}

export function providerName(provider: SsoProvider): string {
  return provider === SsoProvider.ENTRA ? 'entra' : provider === SsoProvider.GOOGLE ? 'google' : '';
}

export function tokensMessage(t: IssuedTokens) {
  return {
    accessToken: t.accessToken,
    accessTokenExpiresAt: timestampFromDate(t.accessTokenExpiresAt),
    refreshToken: t.refreshToken,
    sessionExpiresAt: timestampFromDate(t.sessionExpiresAt),
    sessionId: t.sessionId,
  };
}

export function signInMessage(result: SignInResult) {
  switch (result.kind) {
    case 'session':
      return { result: { step: { case: 'tokens' as const, value: tokensMessage(result.tokens) } } };
    case 'mfa-required':
      return { result: { step: { case: 'mfaRequired' as const, value: { token: result.step.token, expiresAt: timestampFromDate(result.step.expiresAt) } } } };
    case 'enrolment-required':
      return { result: { step: { case: 'enrolmentRequired' as const, value: { token: result.step.token, expiresAt: timestampFromDate(result.step.expiresAt) } } } };
  }
}

export function accountMessage(a: Account) {
  return {
    id: a.id,
    orgId: a.orgId ?? '',
    loginName: a.loginName,
    displayName: a.displayName,
    email: a.email ?? '',
    realName: a.realName ?? '',
    roles: a.roles.map(roleMessage),
    mfaEnrolled: a.mfaEnrolled,
    createdAt: timestampFromDate(a.createdAt),
    federated: a.federated !== null,
  };
}

export function organisationMessage(o: Organisation) {
  return { id: o.id, name: o.name, mfaRequired: o.mfaRequired, createdAt: timestampFromDate(o.createdAt) };
}

export function ssoSettingsMessage(s: SsoSettings) {
  return {
    entraTenantIds: [...s.entraTenantIds],
    googleHostedDomains: [...s.googleHostedDomains],
    allowedDomains: [...s.allowedDomains],
    groupRoles: s.groupRoles.map((g) => ({ group: g.group, role: roleMessage(g.role) })),
  };
}
