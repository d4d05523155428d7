import { createHash } from 'node:crypto';
import type { people_v1 } from 'googleapis';
import type { GoogleTenant, GoogleUser } from '../../state/directory';
import type { StoredContact } from './contacts.store';
import { invalidArgument } from './people-error';

/** `personFields` paths the reference lists for people.get and connections.list. */
export const PERSON_FIELDS = [
  'addresses', 'ageRanges', 'biographies', 'birthdays', 'calendarUrls', 'clientData', 'coverPhotos', 'emailAddresses', 'events', 'externalIds',
  'genders', 'imClients', 'interests', 'locales', 'locations', 'memberships', 'metadata', 'miscKeywords', 'names', 'nicknames', 'occupations',
  'organizations', 'phoneNumbers', 'photos', 'relations', 'sipAddresses', 'skills', 'urls', 'userDefined',
] as const;

/** `updatePersonFields` paths the reference lists for people.updateContact (the writable fields). */
export const UPDATABLE_FIELDS = [
  'addresses', 'biographies', 'birthdays', 'calendarUrls', 'clientData', 'emailAddresses', 'events', 'externalIds', 'genders', 'imClients',
  'interests', 'locales', 'locations', 'memberships', 'miscKeywords', 'names', 'nicknames', 'occupations', 'organizations', 'phoneNumbers',
  'relations', 'sipAddresses', 'urls', 'userDefined',
] as const;

const DOC_GET = 'https://developers.google.com/people/api/rest/v1/people/get';
const DOC_UPDATE = 'https://developers.google.com/people/api/rest/v1/people/updateContact';

/**
 * Parses a field mask parameter. `required` masks (personFields on get/list, updatePersonFields)
 * answer the reference's "mask is required" 400 when absent; optional ones default to every field.
 */
export function parseMask(raw: string | null, param: 'personFields' | 'updatePersonFields', allowed: readonly string[], required: boolean): Set<string> {
  const doc = param === 'personFields' ? DOC_GET : DOC_UPDATE;
  if (raw === null || raw.trim() === '') {
    if (!required) return new Set(allowed);
    throw invalidArgument(`${param} mask is required. Please specify one or more valid paths. Valid paths are documented at ${doc}.`);
  }
  const paths = raw.split(',').map((p) => p.trim());
  for (const p of paths) {
    if (!allowed.includes(p)) throw invalidArgument(`Invalid ${param} mask path: "${p.slice(0, 64)}". Valid paths are documented at ${doc}.`);
  }
  return new Set(paths);
}

/** Person etags are opaque `%`-prefixed strings that change with the contact. */
export const personEtag = (c: StoredContact): string => `%${createHash('sha256').update(`${c.resourceName}:${c.updatedMs}:${JSON.stringify(c.data)}`).digest('base64url').slice(0, 28)}`;

const TYPE_LABELS: Readonly<Record<string, string>> = { home: 'Home', work: 'Work', other: 'Other', mobile: 'Mobile', main: 'Main', homeFax: 'Home Fax', workFax: 'Work Fax', pager: 'Pager' };

/** Adds what the service derives: field metadata, display names, formatted types, canonical phone numbers. */
function decorate(field: string, items: unknown[], source: people_v1.Schema$Source): unknown[] {
  return items.map((raw, i) => {
    const item = { ...(raw as Record<string, unknown>) };
    item['metadata'] = { ...(i === 0 ? { primary: true } : {}), source: { type: source.type, id: source.id } };
    if (typeof item['type'] === 'string' && field !== 'memberships') item['formattedType'] = TYPE_LABELS[item['type']] ?? item['type'];
    if (field === 'names') {
      const given = typeof item['givenName'] === 'string' ? item['givenName'] : '';
      const family = typeof item['familyName'] === 'string' ? item['familyName'] : '';
      const display = [given, family].filter(Boolean).join(' ') || (typeof item['unstructuredName'] === 'string' ? item['unstructuredName'] : '');
      item['displayName'] = display;
      item['displayNameLastFirst'] = family && given ? `${family}, ${given}` : display;
      item['unstructuredName'] ??= display;
    }
    if (field === 'phoneNumbers' && typeof item['value'] === 'string' && /^\+[\d\s().-]{6,}$/.test(item['value'])) item['canonicalForm'] = item['value'].replace(/[^\d+]/g, '');
    return item;
  });
}

/** A contact as people.get/connections.list return it, restricted to `fields`. */
export function contactResource(c: StoredContact, fields: ReadonlySet<string>): people_v1.Schema$Person {
  const source: people_v1.Schema$Source = { type: 'CONTACT', id: c.sourceId, etag: `#${personEtag(c).slice(1, 17)}`, updateTime: new Date(c.updatedMs).toISOString() };
  const out: Record<string, unknown> = { resourceName: c.resourceName, etag: personEtag(c) };
  if (c.deleted) {
    out['metadata'] = { sources: [source], objectType: 'PERSON', deleted: true };
    return out;
  }
  if (fields.has('metadata')) out['metadata'] = { sources: [source], objectType: 'PERSON' };
  for (const f of fields) {
    if (f === 'metadata') continue;
    const v = (c.data as Record<string, unknown>)[f];
    if (Array.isArray(v) && v.length > 0) out[f] = decorate(f, v, source);
  }
  return out;
}

/** `people/me`: the signed-in user's own profile, from the directory. */
export function profileResource(tenant: GoogleTenant, user: GoogleUser, fields: ReadonlySet<string>): people_v1.Schema$Person {
  const source: people_v1.Schema$Source = { type: 'DOMAIN_PROFILE', id: user.id, etag: `#${createHash('sha256').update(user.primaryEmail).digest('base64url').slice(0, 16)}` };
  const out: Record<string, unknown> = { resourceName: `people/${user.id}`, etag: `%${createHash('sha256').update(JSON.stringify(user)).digest('base64url').slice(0, 28)}` };
  const meta = { primary: true, source: { type: source.type, id: source.id } };
  if (fields.has('metadata')) out['metadata'] = { sources: [source], objectType: 'PERSON' };
  if (fields.has('names')) out['names'] = [{ metadata: meta, displayName: `${user.givenName} ${user.familyName}`, familyName: user.familyName, givenName: user.givenName, displayNameLastFirst: `${user.familyName}, ${user.givenName}`, unstructuredName: `${user.givenName} ${user.familyName}` }];
  if (fields.has('emailAddresses')) out['emailAddresses'] = [{ metadata: { ...meta, verified: true }, value: user.primaryEmail }];
  if (fields.has('organizations')) out['organizations'] = [{ metadata: meta, domain: tenant.domain, type: 'domainOnly', formattedType: 'Domain Only' }];
  return out;
}
