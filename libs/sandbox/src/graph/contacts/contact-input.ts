import { isRecord } from '../../http/body';
import type { VendorError } from '../../http/vendor-error';
import { graphError } from '../../http/vendor-errors';
import type { ContactProps } from './contacts.store';

type Kind = 'string' | 'strings' | 'address' | 'emails' | 'date';

/** The contact resource's writable properties (learn.microsoft.com/graph/api/resources/contact) and their kinds. */
export const CONTACT_PROPERTIES: Readonly<Record<string, Kind>> = {
  assistantName: 'string',
  birthday: 'date',
  businessAddress: 'address',
  businessHomePage: 'string',
  businessPhones: 'strings',
  categories: 'strings',
  children: 'strings',
  companyName: 'string',
  department: 'string',
  displayName: 'string',
  emailAddresses: 'emails',
  fileAs: 'string',
  generation: 'string',
  givenName: 'string',
  homeAddress: 'address',
  homePhones: 'strings',
  imAddresses: 'strings',
  initials: 'string',
  jobTitle: 'string',
  manager: 'string',
  middleName: 'string',
  mobilePhone: 'string',
  nickName: 'string',
  officeLocation: 'string',
  otherAddress: 'address',
  personalNotes: 'string',
  profession: 'string',
  spouseName: 'string',
  surname: 'string',
  title: 'string',
  yomiCompanyName: 'string',
  yomiGivenName: 'string',
  yomiSurname: 'string',
};
const IGNORED = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'parentFolderId',
  '@odata.type',
  '@odata.etag',
];
const ADDRESS_FIELDS = ['street', 'city', 'state', 'countryOrRegion', 'postalCode'];

export const undeserializable = (): VendorError =>
  graphError(400, 'UnableToDeserializePostBody', 'were unable to deserialize ');
const bodyRead = (m: string): VendorError => graphError(400, 'RequestBodyRead', m);
const mismatch = (name: string, edm: string): VendorError =>
  bodyRead(`Cannot convert the literal value of property '${name}' to the expected type '${edm}'.`);

function value(name: string, kind: Kind, v: unknown): unknown {
  if (v === null) return kind === 'strings' || kind === 'emails' ? [] : null;
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') throw mismatch(name, 'Edm.String');
      return v;
    case 'date': {
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}/.test(v))
        throw undeserializable();
      return new Date(Date.parse(v)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'strings':
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
        throw mismatch(name, 'Collection(Edm.String)');
      return [...v];
    case 'address': {
      if (!isRecord(v)) throw mismatch(name, 'microsoft.graph.physicalAddress');
      const out: Record<string, string> = {};
      for (const [k, x] of Object.entries(v)) {
        if (!ADDRESS_FIELDS.includes(k))
          throw bodyRead(
            `The property '${k.slice(0, 100)}' does not exist on type 'microsoft.graph.physicalAddress'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
          );
        if (x !== null && typeof x !== 'string') throw mismatch(k, 'Edm.String');
        if (typeof x === 'string') out[k] = x;
      }
      return out;
    }
    case 'emails': {
      if (!Array.isArray(v)) throw mismatch(name, 'Collection(microsoft.graph.emailAddress)');
      return v.map((e) => {
        if (
          !isRecord(e) ||
          (e['address'] !== undefined && typeof e['address'] !== 'string') ||
          (e['name'] !== undefined && typeof e['name'] !== 'string')
        )
          throw mismatch(name, 'microsoft.graph.emailAddress');
        const address = typeof e['address'] === 'string' ? e['address'] : '';
        return { name: typeof e['name'] === 'string' ? e['name'] : address, address };
      });
    }
  }
}

/** Validates a contact create/PATCH body; unknown properties and wrong types are Graph's RequestBodyRead. */
export function parseContactInput(body: unknown): ContactProps {
  if (!isRecord(body)) throw undeserializable();
  const out: ContactProps = {};
  for (const [k, v] of Object.entries(body)) {
    if (IGNORED.includes(k) || k.includes('@odata.')) continue;
    const kind = CONTACT_PROPERTIES[k];
    if (!kind)
      throw bodyRead(
        `The property '${k.slice(0, 100)}' does not exist on type 'microsoft.graph.contact'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    out[k] = value(k, kind, v);
  }
  return out;
}

/** Outlook derives a missing display name from the name parts, else the first email address. */
export function derivedDisplayName(p: ContactProps): string {
  if (typeof p['displayName'] === 'string' && p['displayName'] !== '') return p['displayName'];
  const parts = [p['givenName'], p['middleName'], p['surname']].filter(
    (s): s is string => typeof s === 'string' && s !== '',
  );
  if (parts.length > 0) return parts.join(' ');
  const emails = p['emailAddresses'];
  const first = Array.isArray(emails) ? (emails[0] as { address?: string } | undefined) : undefined;
  return first?.address ?? '';
}
