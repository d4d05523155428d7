import { parseColonPath } from './drive-path.routes';

describe('path addressing', () => {
  it('splits root:/path:/suffix into segments and suffix', () => {
    expect(parseColonPath('root:/a/b c/d.txt:/content')).toEqual({ baseId: undefined, segments: ['a', 'b c', 'd.txt'], suffix: '/content' });
  });

  it('accepts an item base, a trailing colon and no colon at all', () => {
    expect(parseColonPath('items/01ABC:/new file.txt:/createUploadSession')).toEqual({ baseId: '01ABC', segments: ['new file.txt'], suffix: '/createUploadSession' });
    expect(parseColonPath('root:/Documents:')).toEqual({ baseId: undefined, segments: ['Documents'], suffix: '' });
    expect(parseColonPath('root:/Documents')).toEqual({ baseId: undefined, segments: ['Documents'], suffix: '' });
  });

  it('keeps reserved characters that the route already decoded', () => {
    expect(parseColonPath('root:/100% done/#1 & co.txt:')?.segments).toEqual(['100% done', '#1 & co.txt']);
  });

  it('rejects anything that is not root: or items/{id}:', () => {
    expect(parseColonPath('items/01ABC/children')).toBeUndefined();
    expect(parseColonPath('special/documents')).toBeUndefined();
  });
});
