import { VendorError } from '../../http/vendor-error';
import { GROUP_IDS } from './contact-groups';
import { writablePerson } from './person-input';
import { parseMask, PERSON_FIELDS, UPDATABLE_FIELDS } from './person-resource';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof VendorError) return (e.body as { error: { message: string } }).error.message;
    throw e;
  }
  throw new Error('expected a VendorError');
};

describe('People field masks and Person bodies', () => {
  it('requires personFields where the reference does and checks every path', () => {
    expect(messageOf(() => parseMask(null, 'personFields', PERSON_FIELDS, true))).toMatch(/^personFields mask is required/);
    expect([...parseMask(null, 'personFields', PERSON_FIELDS, false)]).toHaveLength(PERSON_FIELDS.length);
    expect([...parseMask('names, emailAddresses', 'personFields', PERSON_FIELDS, true)]).toEqual(['names', 'emailAddresses']);
    expect(messageOf(() => parseMask('names,photos', 'updatePersonFields', UPDATABLE_FIELDS, true))).toContain('Invalid updatePersonFields mask path: "photos"');
  });

  it('keeps writable fields, drops derived parts, and normalises group memberships', () => {
    const person = writablePerson(
      {
        etag: '%x',
        photos: [{ url: 'https://example.invalid/p.jpg' }],
        names: [{ givenName: 'Ada', displayName: 'ignored', metadata: { primary: true } }],
        memberships: [{ contactGroupMembership: { contactGroupResourceName: 'contactGroups/starred' } }],
      },
      GROUP_IDS,
    );
    expect(person).toEqual({ names: [{ givenName: 'Ada' }], memberships: [{ contactGroupMembership: { contactGroupId: 'starred', contactGroupResourceName: 'contactGroups/starred' } }] });
  });

  it('restricts to an update mask and refuses unknown names and malformed items', () => {
    expect(writablePerson({ names: [{ givenName: 'A' }], nicknames: [{ value: 'N' }] }, GROUP_IDS, new Set(['nicknames']))).toEqual({ nicknames: [{ value: 'N' }] });
    expect(messageOf(() => writablePerson({ shoeSize: 42 }, GROUP_IDS))).toContain('Unknown name "shoeSize"');
    expect(messageOf(() => writablePerson({ names: 'Ada' }, GROUP_IDS))).toContain("'person.names'");
    expect(messageOf(() => writablePerson({ phoneNumbers: [{ type: 'mobile' }] }, GROUP_IDS))).toContain('phoneNumbers[].value');
  });
});
