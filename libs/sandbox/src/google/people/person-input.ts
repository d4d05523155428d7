import type { people_v1 } from 'googleapis';
import { isRecord } from '../../http/body';
import { invalidArgument, unknownField } from './people-error';
import { UPDATABLE_FIELDS } from './person-resource';

/** Every field the Person message has; anything else in a body is an unknown name. */
const PERSON_KEYS = new Set([
  ...UPDATABLE_FIELDS, 'resourceName', 'etag', 'metadata', 'photos', 'coverPhotos', 'ageRange', 'ageRanges', 'braggingRights', 'fileAses',
  'relationshipInterests', 'relationshipStatuses', 'residences', 'skills', 'taglines',
]);
/** Singleton fields on a contact (the reference: "Only one ... allowed for a contact"). */
const SINGLETONS = new Set(['names', 'birthdays', 'biographies', 'genders']);
/** Output-only parts of field items, recomputed on read. */
const DERIVED = ['metadata', 'formattedType', 'displayName', 'displayNameLastFirst', 'canonicalForm', 'formattedValue'];

/**
 * Checks a Person body for createContact/updateContact and returns its writable fields (restricted
 * to `only` when given). Simplified: item contents are checked only where clients commonly err
 * (email and phone values, group memberships).
 */
export function writablePerson(body: unknown, groupIds: ReadonlySet<string>, only?: ReadonlySet<string>): people_v1.Schema$Person {
  if (!isRecord(body)) throw invalidArgument('Invalid JSON payload received. Expected an object.');
  for (const key of Object.keys(body)) if (!PERSON_KEYS.has(key)) throw unknownField(key);
  const out: Record<string, unknown> = {};
  for (const field of UPDATABLE_FIELDS) {
    if (only && !only.has(field)) continue;
    const v = body[field];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((i) => !isRecord(i))) throw invalidArgument(`Invalid value at 'person.${field}', a list of objects is expected.`);
    if (SINGLETONS.has(field) && v.length > 1) throw invalidArgument(`Only one ${field.replace(/s$/, '')} is allowed on a contact.`);
    const items = (v as Record<string, unknown>[]).map((item) => {
      const copy = { ...item };
      for (const d of DERIVED) delete copy[d];
      return copy;
    });
    if ((field === 'emailAddresses' || field === 'phoneNumbers') && items.some((i) => typeof i['value'] !== 'string' || !i['value'])) {
      throw invalidArgument(`Invalid value at 'person.${field}[].value', a non-empty string is required.`);
    }
    if (field === 'memberships') {
      for (const m of items) {
        const g = isRecord(m['contactGroupMembership']) ? m['contactGroupMembership'] : undefined;
        const id = typeof g?.['contactGroupResourceName'] === 'string' ? g['contactGroupResourceName'].replace(/^contactGroups\//, '') : typeof g?.['contactGroupId'] === 'string' ? g['contactGroupId'] : undefined;
        if (!id || !groupIds.has(id)) throw invalidArgument('Invalid contact group resource name.');
        m['contactGroupMembership'] = { contactGroupId: id, contactGroupResourceName: `contactGroups/${id}` };
      }
    }
    out[field] = items;
  }
  return out;
}
