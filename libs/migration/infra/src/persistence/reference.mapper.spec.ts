import type { ItemReference } from '@ferry/migration/application';
import { toReference, toRefRow } from './reference.mapper';

const ref: ItemReference = {
  projectId: 'p',
  mappingId: 'm',
  sourceId: 's',
  targetId: 't',
  folderId: 'INBOX',
  changeStamp: '42',
  contentHash: 'AB'.repeat(32),
  receivedAt: 1_700_000_000_123,
};

describe('reference rows', () => {
  it('round-trips a reference, its hash in lower case and its time to the millisecond', () => {
    expect(toReference(toRefRow(ref))).toEqual({ ...ref, contentHash: 'ab'.repeat(32) });
  });

  it('stores an unknown hash (a copy found on the target unread) as null and reads it back empty', () => {
    const row = toRefRow({ ...ref, contentHash: '' });
    expect(row.contentHash).toBeNull();
    expect(toReference(row).contentHash).toBe('');
  });

  it('refuses a hash that is not SHA-256 hex, without quoting it', () => {
    expect(() => toRefRow({ ...ref, contentHash: 'subject: hello' })).toThrow(
      'a reference content hash must be SHA-256 hex or empty',
    );
  });
});
