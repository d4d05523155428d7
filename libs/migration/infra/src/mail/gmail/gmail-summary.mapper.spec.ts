import { Readable } from 'node:stream';
import { ProviderError } from '@ferry/providers/core';
import { readJsonAnswer } from './gmail-api';
import { gmailMessageMeta, summaryOfMessage } from './gmail-summary.mapper';

const answer = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe('a message summary read from a messages.get answer', () => {
  it('reads the answer in pieces and maps labels, state, stamp, size and date', async () => {
    const json = await readJsonAnswer<unknown>(
      answer('{"id":"18c0a1","labelIds":["Label_7","UNREAD","STAR', 'RED","INBOX"],"historyId":"4242",', '"internalDate":"1700000000000","sizeEstimate":75000}'),
      'messages.get',
    );
    const summary = summaryOfMessage(gmailMessageMeta(json));
    expect(summary).toMatchObject({ sourceId: '18c0a1', changeStamp: '4242', size: 75000, receivedAt: 1700000000000 });
    expect(summary.folderIds).toEqual(expect.arrayContaining(['Label_7', 'INBOX']));
    expect(summary.state).toMatchObject({ read: false, flagged: true });
  });

  it('refuses an answer that is not a JSON object, or too large, quoting nothing of it', async () => {
    for (const body of ['<html>alice@example.com</html>', '["alice@example.com"]', '']) {
      const err = await readJsonAnswer(answer(body), 'messages.get').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).message).toBe('Gmail messages.get answered something that is not a JSON object');
    }
    const big = Readable.from([Buffer.alloc(600, 0x20), Buffer.alloc(600, 0x20)]);
    const err = await readJsonAnswer(big, 'messages.get', 1000).catch((e: unknown) => e);
    expect((err as ProviderError).message).toBe('Gmail messages.get answered more than 1000 bytes');
    expect(big.destroyed).toBe(true);
  });

  it('refuses a message resource whose fields have the wrong types', () => {
    for (const bad of [{ labelIds: 'INBOX' }, { labelIds: [1] }, { id: 7 }, { sizeEstimate: '75000' }, { internalDate: 1 }]) {
      expect(() => gmailMessageMeta(bad)).toThrow(ProviderError);
    }
    expect(gmailMessageMeta({ id: 'a', labelIds: null })).toEqual({ id: 'a', labelIds: null });
  });
});
