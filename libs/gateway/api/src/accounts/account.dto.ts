import { type Account, type Organisation, Role } from '@ferry/contracts';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { z } from 'zod';

const ROLE_NAMES = {
  'platform-admin': Role.PLATFORM_ADMIN,
  'org-admin': Role.ORG_ADMIN,
  'migration-operator': Role.MIGRATION_OPERATOR,
  auditor: Role.AUDITOR,
  viewer: Role.VIEWER,
} as const;
export type RoleParam = keyof typeof ROLE_NAMES;
/** Roles an organisation can grant; platform-admin is not one of them. */
export const OrgRoleName = z.enum(['org-admin', 'migration-operator', 'auditor', 'viewer']);
export type OrgRoleName = z.infer<typeof OrgRoleName>;

export function roleFromName(name: RoleParam): Role {
  return ROLE_NAMES[name];
}

export function roleName(role: Role): string {
  return Object.entries(ROLE_NAMES).find(([, v]) => v === role)?.[0] ?? 'unspecified';
}

/** POST /api/v1/orgs/{org}/accounts. Email and real name are optional personal data. */
export const CreateAccountBody = z
  .object({
    loginName: z.string().min(1).max(256),
    displayName: z.string().min(1).max(400),
    email: z.string().max(320).optional(),
    realName: z.string().max(400).optional(),
    password: z.string().min(1).max(1024),
    roles: z.array(OrgRoleName).max(4).default([]),
  })
  .strict();
export type CreateAccountBody = z.infer<typeof CreateAccountBody>;

/** POST /api/v1/orgs: an organisation and its first org-admin. */
export const CreateOrganisationBody = z
  .object({
    name: z.string().min(1).max(400),
    admin: z.object({ loginName: z.string().min(1).max(256), displayName: z.string().min(1).max(400), password: z.string().min(1).max(1024) }).strict(),
  })
  .strict();
export type CreateOrganisationBody = z.infer<typeof CreateOrganisationBody>;

/** PATCH /api/v1/orgs/{org}: the organisation's settings. */
export const UpdateOrganisationBody = z.object({ mfaRequired: z.boolean() }).strict();
export type UpdateOrganisationBody = z.infer<typeof UpdateOrganisationBody>;

const list = (max: number, item: z.ZodString) => z.array(item).max(max).default([]);
/** PUT /api/v1/orgs/{org}/sso */
export const SsoSettingsBody = z
  .object({
    entraTenantIds: list(20, z.string().max(64)),
    googleHostedDomains: list(20, z.string().max(253)),
    allowedDomains: list(20, z.string().max(253)),
    groupRoles: z.array(z.object({ group: z.string().min(1).max(256), role: OrgRoleName }).strict()).max(100).default([]),
  })
  .strict();
export type SsoSettingsBody = z.infer<typeof SsoSettingsBody>;

export function accountView(a: Account | undefined) {
  if (!a) throw new Error('identity answered without an account');
  return {
    id: a.id,
    orgId: a.orgId || null,
    loginName: a.loginName,
    displayName: a.displayName,
    email: a.email || null,
    realName: a.realName || null,
    roles: a.roles.map(roleName),
    mfaEnrolled: a.mfaEnrolled,
    federated: a.federated,
    createdAt: a.createdAt ? timestampDate(a.createdAt).toISOString() : null,
  };
}

export function organisationView(o: Organisation | undefined) {
  if (!o) throw new Error('identity answered without an organisation');
  return { id: o.id, name: o.name, mfaRequired: o.mfaRequired, createdAt: o.createdAt ? timestampDate(o.createdAt).toISOString() : null };
}
