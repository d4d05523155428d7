import type { FetchMessageObject } from 'imapflow';
import { changeStampOf, stateOf, toSummary } from './imap-summary';

describe('imap summaries', () => {
  it('maps the system flags to state and ignores keywords and \\Recent', () => {
    expect(stateOf(new Set(['\\Seen', '\\Answered', '$Forwarded', '\\Recent']))).toEqual({
      read: true,
      flagged: false,
      answered: true,
      draft: false,
      importance: 'normal',
    });
    expect(stateOf(new Set(['\\Flagged', '\\Draft']))).toMatchObject({
      read: false,
      flagged: true,
      draft: true,
    });
    expect(stateOf(undefined)).toMatchObject({ read: false, flagged: false, answered: false, draft: false });
  });

  it('stamps changes with MODSEQ, or with the state where the server keeps no MODSEQ', () => {
    expect(changeStampOf({ modseq: 12345678901234567890n, flags: new Set() })).toBe('12345678901234567890');
    expect(changeStampOf({ flags: new Set(['\\Seen', '\\Draft']) })).toBe('s1001');
    expect(changeStampOf({ flags: new Set(['\\Seen']) })).not.toBe(
      changeStampOf({ flags: new Set(['\\Seen', '\\Flagged']) }),
    );
  });

  it('builds the summary with id, folder, size and INTERNALDATE', () => {
    const message: FetchMessageObject = {
      seq: 3,
      uid: 41,
      size: 1234,
      flags: new Set(['\\Seen']),
      internalDate: new Date('2021-03-04T05:06:07Z'),
      modseq: 9n,
    };
    expect(toSummary('f'.repeat(22), '77', message)).toEqual({
      sourceId: `${'f'.repeat(22)}/77/41`,
      folderIds: ['f'.repeat(22)],
      state: { read: true, flagged: false, answered: false, draft: false, importance: 'normal' },
      changeStamp: '9',
      size: 1234,
      receivedAt: Date.parse('2021-03-04T05:06:07Z'),
    });
  });
});
