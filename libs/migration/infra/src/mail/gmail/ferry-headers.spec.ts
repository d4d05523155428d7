import { idempotencyKey } from '@ferry/migration/domain';
import {
  ferryHeaderLines,
  headerSectionEnd,
  lineEndingOf,
  messageIdOf,
  searchableMessageId,
  syntheticMessageId,
} from './ferry-headers';

const key = idempotencyKey('project', 'mapping', 'source-1');
const head = (text: string) => Buffer.from(text, 'latin1');

describe('gmail ferry headers', () => {
  it('finds the end of the header section in either line-ending style, or none', () => {
    expect(headerSectionEnd(head('A: 1\r\nB: 2\r\n\r\nbody'))).toBe(12);
    expect(headerSectionEnd(head('A: 1\nB: 2\n\nbody'))).toBe(10);
    expect(headerSectionEnd(head('A: 1\r\nB: 2\r\n'))).toBe(-1);
  });

  it('reads the first Message-ID, unfolded, without brackets; none when absent or blank', () => {
    expect(messageIdOf(head('From: a@x\r\nMessage-ID: <abc.1@mail.example>\r\n'))).toBe('abc.1@mail.example');
    expect(messageIdOf(head('message-id:\r\n  <folded@mail.example>\r\nMessage-Id: <second@x>\r\n'))).toBe(
      'folded@mail.example',
    );
    expect(messageIdOf(head('From: a@x\r\nSubject: Message-ID: <not@this>\r\n'))).toBeNull();
    expect(messageIdOf(head('From: a@x\r\nMessage-ID:   \r\n'))).toBeNull();
    expect(messageIdOf(head('Message-ID: bare-id@x\n'))).toBe('bare-id@x');
  });

  it("puts the key first, and a Message-ID only for a message without one, in the message's line endings", () => {
    expect(ferryHeaderLines(key, 'abc@x', '\r\n').toString()).toBe(`X-Ferry-Item: ${key}\r\n`);
    expect(ferryHeaderLines(key, null, '\n').toString()).toBe(
      `X-Ferry-Item: ${key}\nMessage-ID: <${syntheticMessageId(key)}>\n`,
    );
    expect(lineEndingOf(head('From: a\nTo: b\n'))).toBe('\n');
    expect(lineEndingOf(head('From: a\r\nTo: b\r\n'))).toBe('\r\n');
    expect(() => ferryHeaderLines('fy1-x\r\nBcc: someone@example.com', null, '\r\n')).toThrow();
  });

  it('searches only Message-IDs that a search term can carry', () => {
    expect(searchableMessageId('abc.1@mail.example')).toBe(true);
    expect(searchableMessageId(syntheticMessageId(key))).toBe(true);
    expect(searchableMessageId('has space@x')).toBe(false);
    expect(searchableMessageId('quote"d@x')).toBe(false);
    expect(searchableMessageId('')).toBe(false);
  });
});
