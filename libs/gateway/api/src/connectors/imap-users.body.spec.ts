import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';
import { imapUsersCsv, imapUsersLimit, MAX_IMAP_USERS_CSV_BYTES } from './imap-users.body';

const MIB = 1024 * 1024;
// The two things the reader looks at; everything else of an Express request is irrelevant here.
const request = (contentType: string | undefined, body: unknown) => ({ get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : undefined), body }) as unknown as Request;
const CSV = 'address,username,password\nanna@example.org,anna,planted-password\n';

describe('imapUsersLimit', () => {
  it('is 4 MiB when the bus carries that much, else what the bus carries less room for the rest', () => {
    expect(MAX_IMAP_USERS_CSV_BYTES).toBe(4 * MIB);
    expect(imapUsersLimit(64 * MIB)).toBe(4 * MIB);
    expect(imapUsersLimit(MIB)).toBe(MIB - 64 * 1024);
    expect(imapUsersLimit(undefined)).toBe(4 * MIB);
  });
});

describe('imapUsersCsv', () => {
  it('returns a text/csv body, any charset parameter aside', () => {
    expect(imapUsersCsv(request('text/csv', CSV), MIB)).toBe(CSV);
    expect(imapUsersCsv(request('Text/CSV; charset=utf-8', CSV), MIB)).toBe(CSV);
  });

  it('answers another media type with 415', () => {
    expect(() => imapUsersCsv(request('application/json', { csv: CSV }), MIB)).toThrow(UnsupportedMediaTypeException);
    expect(() => imapUsersCsv(request(undefined, undefined), MIB)).toThrow(UnsupportedMediaTypeException);
  });

  it('answers an empty list with 400', () => {
    expect(() => imapUsersCsv(request('text/csv', undefined), MIB)).toThrow(BadRequestException);
    expect(() => imapUsersCsv(request('text/csv', ''), MIB)).toThrow(BadRequestException);
  });

  it('counts the limit in bytes and answers 413 with both sizes, never a row', () => {
    const multiByte = `address,username,password\n${'ü'.repeat(600)}\n`;
    expect(imapUsersCsv(request('text/csv', multiByte), 1227)).toBe(multiByte);
    let thrown: unknown;
    try {
      imapUsersCsv(request('text/csv', multiByte), 1226);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(PayloadTooLargeException);
    const answer = JSON.stringify((thrown as PayloadTooLargeException).getResponse());
    expect(answer).toContain('1227 bytes; the limit is 1226 bytes');
    expect(answer).not.toContain('ü');
  });
});
