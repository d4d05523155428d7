import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { Rng, seededGuid } from '../scenario/deterministic';
import type { GoogleTenantSpec, MicrosoftTenantSpec, Scenario } from '../scenario/scenario.schema';
import { type Directory, GLOBAL_ADMINISTRATOR_ROLE, type GoogleTenant, type MicrosoftTenant } from './directory';

const GIVEN = ['Ada', 'Björn', 'Chloé', 'Dmitri', 'Émile', 'Fatima', 'Grace', 'Hiro', 'Ines', 'José', 'Kwame', 'Lena', 'Mei', 'Nadia', 'Olu', 'Priya', 'Quinn', 'Rafael', 'Sofia', 'Tomás', 'Uma', 'Viktor', 'Wen', 'Ximena', 'Yusuf', 'Zoë'];
const FAMILY = ['Lovelace', 'Østergaard', 'Dubois', 'Ivanov', 'Zola', 'Haddad', 'Hopper', 'Tanaka', 'García', 'Müller', 'Mensah', 'Novak', 'Chen', 'Kowalski', 'Adeyemi', 'Iyer', "O'Brien", 'Silva', 'Rossi', 'Nakamura'];

/** Application permissions an admin consents to for Ferry's app registration in the seeded tenant. */
export const DEFAULT_APP_PERMISSIONS = [
  'User.Read.All',
  'Group.Read.All',
  'Mail.ReadWrite',
  'MailboxSettings.Read',
  'Calendars.ReadWrite',
  'Contacts.ReadWrite',
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
] as const;

export const DEFAULT_DELEGATED_PERMISSIONS = ['openid', 'profile', 'email', 'offline_access', 'User.Read', 'Mail.ReadWrite', 'Calendars.ReadWrite', 'Contacts.ReadWrite', 'Files.ReadWrite.All'] as const;

/** Scopes an admin authorises for Ferry's service account under domain-wide delegation. */
export const DEFAULT_DWD_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
  'https://mail.google.com/',
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/gmail.insert',
  'https://www.googleapis.com/auth/gmail.labels',
  'https://www.googleapis.com/auth/calendar',
  // What Ferry's README tells an admin to delegate for calendars and free/busy.
  'https://www.googleapis.com/auth/calendar.events.owned',
  'https://www.googleapis.com/auth/calendar.calendars',
  'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
  'https://www.googleapis.com/auth/calendar.freebusy',
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/contacts',
] as const;

/** Credentials the runner prints for the first tenant of each cloud. */
export interface SeededCredentials {
  readonly microsoft: { tenantId: string; domain: string; clientId: string; clientSecret: string };
  readonly google: {
    domain: string;
    customerId: string;
    adminUser: string;
    serviceAccountKey: Record<string, string>;
    oauthClient: { clientId: string; clientSecret: string };
  };
}

export function personName(seed: string, i: number): { given: string; family: string; local: string } {
  const rng = new Rng(`${seed}/person/${i}`);
  const given = rng.pick(GIVEN);
  const family = rng.pick(FAMILY);
  const ascii = (s: string): string =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase()
      .replace('ø', 'o');
  return { given, family, local: `${ascii(given)}.${ascii(family)}${i + 1}` };
}

function seedMicrosoft(seed: string, spec: MicrosoftTenantSpec, index: number): { tenant: MicrosoftTenant; clientSecret: string } {
  const tenantId = seededGuid(`${seed}/ms/${index}/tenant`);
  const clientId = seededGuid(`${seed}/ms/${index}/app`);
  // Secrets are random per start: they are credentials, not fixtures, and must not be guessable.
  const clientSecret = `sbx~${randomBytes(24).toString('base64url')}`;
  const tenant: MicrosoftTenant = { tenantId, domain: spec.domain, apps: new Map(), users: new Map(), groups: new Map() };
  tenant.apps.set(clientId, {
    clientId,
    displayName: 'Ferry',
    secrets: new Set([clientSecret]),
    certificates: new Map(),
    applicationPermissions: new Set(DEFAULT_APP_PERMISSIONS),
    delegatedPermissions: new Set(DEFAULT_DELEGATED_PERMISSIONS),
    redirectUris: new Set(),
    // Ferry maps Entra groups to roles, so its registration is set up with the groups claim.
    groupMembershipClaims: 'SecurityGroup',
  });
  for (let i = 0; i < spec.users; i++) {
    const n = personName(`${seed}/ms/${index}`, i);
    const id = seededGuid(`${seed}/ms/${index}/user/${i}`);
    const upn = `${n.local}@${spec.domain}`;
    tenant.users.set(id, {
      id,
      userPrincipalName: upn,
      mail: upn,
      displayName: `${n.given} ${n.family}`,
      givenName: n.given,
      surname: n.family,
      jobTitle: i === 0 ? 'IT Admin' : null,
      accountEnabled: true,
      password: `sandbox-${randomBytes(9).toString('base64url')}`,
      // The tenant's first user is its administrator; the others hold no directory role.
      directoryRoles: i === 0 ? [GLOBAL_ADMINISTRATOR_ROLE] : [],
    });
  }
  const userIds = [...tenant.users.keys()];
  for (let g = 0; g < spec.groups; g++) {
    const id = seededGuid(`${seed}/ms/${index}/group/${g}`);
    const nick = `team-${g + 1}`;
    const rng = new Rng(`${seed}/ms/${index}/group/${g}/members`);
    tenant.groups.set(id, {
      id,
      displayName: `Team ${g + 1}`,
      mail: `${nick}@${spec.domain}`,
      mailNickname: nick,
      description: null,
      members: new Set(userIds.filter(() => rng.chance(0.5))),
    });
  }
  return { tenant, clientSecret };
}

function seedGoogle(seed: string, spec: GoogleTenantSpec, index: number, privateKey: KeyObject, publicKey: KeyObject): { tenant: GoogleTenant; key: Record<string, string>; oauth: { clientId: string; clientSecret: string } } {
  const customerId = `C0${seededGuid(`${seed}/g/${index}/customer`).replace(/-/g, '').slice(0, 7)}`;
  const clientId = String(BigInt(`0x${seededGuid(`${seed}/g/${index}/sa`).replace(/-/g, '').slice(0, 15)}`));
  const project = `ferry-sandbox-${index}`;
  const clientEmail = `ferry-migration@${project}.iam.gserviceaccount.com`;
  const privateKeyId = randomBytes(20).toString('hex');
  const tenant: GoogleTenant = {
    customerId,
    domain: spec.domain,
    adminUser: `admin@${spec.domain}`,
    serviceAccounts: new Map(),
    oauthClients: new Map(),
    users: new Map(),
    groups: new Map(),
  };
  tenant.serviceAccounts.set(clientEmail, { clientEmail, clientId, privateKeyId, publicKey, delegatedScopes: new Set(DEFAULT_DWD_SCOPES) });
  const oauth = { clientId: `${clientId}-sandbox.apps.googleusercontent.com`, clientSecret: `GOCSPX-${randomBytes(18).toString('base64url')}` };
  tenant.oauthClients.set(oauth.clientId, { ...oauth, redirectUris: new Set() });
  const admin = { id: String(100000000000000000000n + BigInt(index)), primaryEmail: tenant.adminUser, givenName: 'IT', familyName: 'Admin', isAdmin: true, suspended: false, orgUnitPath: '/', password: `sandbox-${randomBytes(9).toString('base64url')}` };
  tenant.users.set(admin.primaryEmail, admin);
  for (let i = 0; i < spec.users; i++) {
    const n = personName(`${seed}/g/${index}`, i);
    const email = `${n.local}@${spec.domain}`;
    const id = String(BigInt(`0x${seededGuid(`${seed}/g/${index}/user/${i}`).replace(/-/g, '').slice(0, 16)}`) % 10n ** 21n);
    tenant.users.set(email, { id, primaryEmail: email, givenName: n.given, familyName: n.family, isAdmin: false, suspended: false, orgUnitPath: '/', password: `sandbox-${randomBytes(9).toString('base64url')}` });
  }
  const emails = [...tenant.users.keys()];
  for (let g = 0; g < spec.groups; g++) {
    const rng = new Rng(`${seed}/g/${index}/group/${g}/members`);
    const email = `team-${g + 1}@${spec.domain}`;
    const members = new Map<string, string>();
    for (const e of emails) if (rng.chance(0.5)) members.set(e, members.size === 0 ? 'OWNER' : 'MEMBER');
    tenant.groups.set(email, { id: seededGuid(`${seed}/g/${index}/group/${g}`).replace(/-/g, '').slice(0, 15), email, name: `Team ${g + 1}`, description: '', members });
  }
  const key = {
    type: 'service_account',
    project_id: project,
    private_key_id: privateKeyId,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: clientId,
    auth_uri: '',
    token_uri: '',
  };
  return { tenant, key, oauth };
}

/** Creates every tenant of the scenario in `directory`; returns the first tenants' credentials. */
const generateRsa = promisify(generateKeyPair);

export async function seedDirectory(directory: Directory, scenario: Scenario, origin: string): Promise<SeededCredentials> {
  // Service-account keys are generated in parallel on the thread pool: RSA generation is most of start-up.
  const keys = await Promise.all(scenario.google.tenants.map(() => generateRsa('rsa', { modulusLength: 2048 })));
  let microsoft: SeededCredentials['microsoft'] | undefined;
  scenario.microsoft.tenants.forEach((spec, i) => {
    const { tenant, clientSecret } = seedMicrosoft(scenario.seed, spec, i);
    directory.microsoft.set(tenant.tenantId, tenant);
    const [clientId] = tenant.apps.keys();
    microsoft ??= { tenantId: tenant.tenantId, domain: tenant.domain, clientId: clientId ?? '', clientSecret };
  });
  let google: SeededCredentials['google'] | undefined;
  scenario.google.tenants.forEach((spec, i) => {
    const pair = keys[i];
    if (!pair) throw new Error('missing service-account key');
    const { tenant, key, oauth } = seedGoogle(scenario.seed, spec, i, pair.privateKey, pair.publicKey);
    key['auth_uri'] = `${origin}/o/oauth2/auth`;
    key['token_uri'] = `${origin}/token`;
    directory.google.set(tenant.customerId, tenant);
    google ??= { domain: tenant.domain, customerId: tenant.customerId, adminUser: tenant.adminUser, serviceAccountKey: key, oauthClient: oauth };
  });
  if (!microsoft || !google) throw new Error('a scenario needs at least one tenant of each cloud');
  return { microsoft, google };
}
