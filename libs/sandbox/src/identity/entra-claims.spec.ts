import type { EntraApp, MicrosoftTenant } from '../state/directory';
import { entraGroupsClaim } from './entra-claims';

const app = (groupMembershipClaims?: EntraApp['groupMembershipClaims']): EntraApp => ({
  clientId: 'app',
  displayName: 'Ferry',
  secrets: new Set(),
  certificates: new Map(),
  applicationPermissions: new Set(),
  delegatedPermissions: new Set(),
  redirectUris: new Set(),
  ...(groupMembershipClaims ? { groupMembershipClaims } : {}),
});
const group = (id: string, members: string[]) => ({
  id,
  displayName: id,
  mail: `${id}@contoso.example`,
  mailNickname: id,
  description: null,
  members: new Set(members),
});
const tenant: MicrosoftTenant = {
  tenantId: 't',
  domain: 'contoso.example',
  apps: new Map(),
  users: new Map(),
  groups: new Map([
    ['g1', group('g1', ['u1', 'u2'])],
    ['g2', group('g2', ['u2'])],
  ]),
};

describe('entraGroupsClaim', () => {
  it('lists the object ids of the user groups when the registration asks for the groups claim', () => {
    expect(entraGroupsClaim(tenant, app('SecurityGroup'), 'u2')).toEqual({ groups: ['g1', 'g2'] });
    expect(entraGroupsClaim(tenant, app('All'), 'u1')).toEqual({ groups: ['g1'] });
  });

  it('adds no claim when the registration does not ask for it', () => {
    expect(entraGroupsClaim(tenant, app('None'), 'u1')).toEqual({});
    expect(entraGroupsClaim(tenant, app(), 'u1')).toEqual({});
  });

  it('adds no claim for a user in no group', () => {
    expect(entraGroupsClaim(tenant, app('SecurityGroup'), 'u3')).toEqual({});
  });
});
