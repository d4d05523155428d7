import { parseContactsScenario } from './contacts-scenario.schema';

describe('contacts scenario section', () => {
  it('defaults an absent section and keeps contactsPerUser', () => {
    expect(parseContactsScenario(undefined, 'w')).toEqual({ contactsPerUser: 0 });
    expect(parseContactsScenario({ contactsPerUser: 5 }, 'w').contactsPerUser).toBe(5);
  });

  it('names the bad field', () => {
    expect(() =>
      parseContactsScenario({ contactsPerUser: 'many' }, 'microsoft.tenants[0].workloads.contacts'),
    ).toThrow(/workloads\.contacts\.contactsPerUser/);
    expect(() => parseContactsScenario({ contacts: 5 }, 'x')).toThrow(/contacts/);
  });
});
