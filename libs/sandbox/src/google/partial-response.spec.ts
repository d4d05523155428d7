import { applyFields, parseFields } from './partial-response';

describe('Google partial response (fields)', () => {
  const file = { kind: 'drive#file', id: '1', name: 'a', owners: [{ emailAddress: 'x', displayName: 'X' }], capabilities: { canEdit: true, canShare: false } };

  it('keeps listed fields, nested selections and paths', () => {
    expect(applyFields(file, parseFields('id,owners(displayName),capabilities/canEdit'))).toEqual({ id: '1', owners: [{ displayName: 'X' }], capabilities: { canEdit: true } });
  });

  it('applies a mask to each element of a list response', () => {
    const list = { files: [file, { ...file, id: '2' }], nextPageToken: 't' };
    expect(applyFields(list, parseFields('nextPageToken,files(id)'))).toEqual({ nextPageToken: 't', files: [{ id: '1' }, { id: '2' }] });
  });

  it('keeps everything under *', () => {
    expect(applyFields(file, parseFields('*'))).toEqual(file);
  });

  it('refuses malformed masks with the invalid parameter error', () => {
    for (const bad of ['', 'a(', 'a)b', 'a,,b', 'a/(b)x']) expect(() => parseFields(bad)).toThrow(expect.objectContaining({ status: 400 }) as Error);
  });
});
