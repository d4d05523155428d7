import { CONNECTOR_SECRET_MAX_BYTES, validateConnectorDraft } from './connector';

const ok = { name: 'Contoso tenant', kind: 'microsoft-365' as const, secret: 's3cret' };

describe('connector draft validation', () => {
  it('accepts a complete draft', () => {
    expect(validateConnectorDraft(ok)).toEqual([]);
  });

  it('names every missing field', () => {
    expect(validateConnectorDraft({ name: '  ', kind: undefined, secret: '' }).map((v) => v.field)).toEqual(['name', 'kind', 'secret']);
  });

  it('refuses names that are too long or contain control characters', () => {
    expect(validateConnectorDraft({ ...ok, name: 'x'.repeat(101) })).toEqual([{ field: 'name', reason: 'at most 100 characters' }]);
    expect(validateConnectorDraft({ ...ok, name: 'a\u0000b' })[0]?.field).toBe('name');
  });

  it('counts characters, not UTF-16 units, so 100 emoji fit', () => {
    expect(validateConnectorDraft({ ...ok, name: '🚢'.repeat(100) })).toEqual([]);
  });

  it('refuses an unknown kind', () => {
    expect(validateConnectorDraft({ ...ok, kind: 'exchange-2010' as never })[0]?.field).toBe('kind');
  });

  it('refuses an oversized secret without echoing it', () => {
    const v = validateConnectorDraft({ ...ok, secret: 'k'.repeat(CONNECTOR_SECRET_MAX_BYTES + 1) });
    expect(v).toEqual([{ field: 'secret', reason: `at most ${CONNECTOR_SECRET_MAX_BYTES} bytes` }]);
  });
});
