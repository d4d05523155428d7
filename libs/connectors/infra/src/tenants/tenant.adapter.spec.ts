import { ConnectorStateError } from '@ferry/connectors/application';
import { parseStoredCredential } from './tenant.adapter';

describe('reading a sealed JSON credential', () => {
  it('returns the named string fields', () => {
    expect(parseStoredCredential('{"username":"u","password":"p","extra":1}', ['username', 'password'])).toMatchObject({ username: 'u', password: 'p' });
  });

  it.each([
    ['not JSON at all', 'planted-refresh-token-value'],
    ['a JSON string', '"planted-refresh-token-value"'],
    ['a missing field', '{"password":"planted-refresh-token-value"}'],
    ['a field of the wrong type', '{"username":1,"password":"planted-refresh-token-value"}'],
  ])('refuses %s with a state error that quotes nothing of it', (_what, text) => {
    let caught: unknown;
    try {
      parseStoredCredential(text, ['username', 'password']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConnectorStateError);
    expect((caught as Error).message).not.toContain('planted');
  });
});
