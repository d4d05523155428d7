import { VendorError } from '../../http/vendor-error';
import type { MessageRecord } from './mail.store';
import { parseMessageFilter } from './message-filter';

const record = (over: Partial<MessageRecord>): MessageRecord => ({ id: 'm', folder: {} as MessageRecord['folder'], seq: 0, receivedMs: Date.parse('2025-06-01T12:00:00Z'), lastModifiedMs: 0, changeSeq: 0, isRead: false, isDraft: false, ...over });
const parse = (f: string) => parseMessageFilter(f, () => '<a@b>');

describe('parseMessageFilter', () => {
  it('compares receivedDateTime with ge/gt/lt/le/eq, quoted or not', () => {
    const m = record({});
    expect(parse('receivedDateTime ge 2025-06-01T12:00:00Z').test(m)).toBe(true);
    expect(parse('receivedDateTime gt 2025-06-01T12:00:00Z').test(m)).toBe(false);
    expect(parse("receivedDateTime lt '2025-06-02T00:00:00Z'").test(m)).toBe(true);
    expect(parse('receivedDateTime le 2025-06-01T11:59:59Z').test(m)).toBe(false);
    expect(parse('ReceivedDateTime eq 2025-06-01T12:00:00Z').test(m)).toBe(true);
  });

  it('combines terms with and, parentheses, isRead/isDraft and internetMessageId', () => {
    const f = parse("(isRead eq false and receivedDateTime ge 2025-01-01T00:00:00Z) and isDraft ne true and internetMessageId eq '<a@b>'");
    expect(f.test(record({}))).toBe(true);
    expect(f.test(record({ isRead: true }))).toBe(false);
    expect(f.test(record({ isDraft: true }))).toBe(false);
  });

  it('matches singleValueExtendedProperties/Any on normalised id and exact value, and exposes it for the index', () => {
    const f = parse("singleValueExtendedProperties/Any(ep: ep/id eq 'String {00020329-0000-0000-C000-000000000046} Name SourceId' and ep/value eq 'it''s-1')");
    expect(f.property).toEqual({ id: 'String {00020329-0000-0000-c000-000000000046} Name SourceId', value: "it's-1" });
    const hit = record({ extras: { extended: [{ id: 'String {00020329-0000-0000-c000-000000000046} Name SourceId', value: "it's-1" }] } });
    expect(f.test(hit)).toBe(true);
    expect(f.test(record({ extras: { extended: [{ id: 'String {00020329-0000-0000-c000-000000000046} Name SourceId', value: 'other' }] } }))).toBe(false);
  });

  it.each(["subject eq 'x'", 'isRead eq true or isRead eq false', 'receivedDateTime ge notadate', 'isRead eq', "startswith(subject,'a')", 'isRead eq true)', "singleValueExtendedProperties/Any(ep: ep/id eq 'bogus' and ep/value eq 'x')"])('rejects %s with 400 ErrorInvalidUrlQueryFilter', (f) => {
    let error: unknown;
    try {
      parse(f);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ status: 400, body: { error: { code: 'ErrorInvalidUrlQueryFilter' } } });
  });
});
