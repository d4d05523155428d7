import { createHash } from 'node:crypto';
import type { admin_directory_v1 } from 'googleapis';
import type { GoogleGroup, GoogleTenant, GoogleUser } from '../../state/directory';

/** Directory etags are quoted opaque strings that change with the resource. */
export function directoryEtag(value: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 27)}"`;
}

// The core's directory records carry no timestamps; fixed ones keep responses deterministic.
const CREATION_TIME = '2024-01-15T09:00:00.000Z';
const NEVER_LOGGED_IN = '1970-01-01T00:00:00.000Z';

/** A user as `users.get`/`users.list` return it with `projection=basic` (admin view). */
export function userResource(tenant: GoogleTenant, user: GoogleUser): admin_directory_v1.Schema$User {
  const body: admin_directory_v1.Schema$User = {
    kind: 'admin#directory#user',
    id: user.id,
    primaryEmail: user.primaryEmail,
    name: { givenName: user.givenName, familyName: user.familyName, fullName: `${user.givenName} ${user.familyName}` },
    isAdmin: user.isAdmin,
    isDelegatedAdmin: false,
    lastLoginTime: NEVER_LOGGED_IN,
    creationTime: CREATION_TIME,
    agreedToTerms: true,
    suspended: user.suspended,
    archived: false,
    changePasswordAtNextLogin: false,
    ipWhitelisted: false,
    emails: [{ address: user.primaryEmail, primary: true }],
    languages: [{ languageCode: 'en', preference: 'preferred' }],
    customerId: tenant.customerId,
    orgUnitPath: user.orgUnitPath,
    isMailboxSetup: true,
    isEnrolledIn2Sv: false,
    isEnforcedIn2Sv: false,
    includeInGlobalAddressList: true,
  };
  return { ...body, etag: directoryEtag(body) };
}

export function groupResource(group: GoogleGroup): admin_directory_v1.Schema$Group {
  const body: admin_directory_v1.Schema$Group = {
    kind: 'admin#directory#group',
    id: group.id,
    email: group.email,
    name: group.name,
    directMembersCount: String(group.members.size),
    description: group.description,
    adminCreated: true,
  };
  return { ...body, etag: directoryEtag(body) };
}

export function memberResource(tenant: GoogleTenant, email: string, role: string): admin_directory_v1.Schema$Member {
  const user = tenant.users.get(email.toLowerCase());
  const group = tenant.groups.get(email.toLowerCase());
  const body: admin_directory_v1.Schema$Member = {
    kind: 'admin#directory#member',
    // Members outside the directory still get a stable numeric id, as Google assigns one.
    id: user?.id ?? group?.id ?? String(BigInt(`0x${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 15)}`)),
    email,
    role,
    type: user ? 'USER' : group ? 'GROUP' : 'EXTERNAL',
    status: user ? (user.suspended ? 'SUSPENDED' : 'ACTIVE') : undefined,
    delivery_settings: 'ALL_MAIL',
  };
  if (body.status === undefined) delete body.status;
  return { ...body, etag: directoryEtag(body) };
}
