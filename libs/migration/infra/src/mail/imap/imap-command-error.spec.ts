import { ProviderError } from '@ferry/providers/core';
import { isServerRefusal, toImapCommandError } from './imap-command-error';

/** An error shaped as imapflow raises them, with text that must never be copied. */
function imapflowError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error("Mailbox doesn't exist: Secret Folder of alice@example.test"), {
    responseText: 'NO [NONEXISTENT] Secret Folder of alice@example.test',
    executedCommand: 'A5 EXAMINE "Secret Folder"',
    ...fields,
  });
}

function mapped(err: unknown): ProviderError {
  const result = toImapCommandError(err);
  expect(result).toBeInstanceOf(ProviderError);
  const shown = `${(result as Error).message} ${JSON.stringify(result)}`;
  expect(shown).not.toMatch(/Secret|alice|example\.test|EXAMINE/);
  return result as ProviderError;
}

describe('imap command errors', () => {
  it('maps a refused command to a retryable provider error with its response code only', () => {
    const error = mapped(imapflowError({ responseStatus: 'NO', serverResponseCode: 'NONEXISTENT' }));
    expect(error).toMatchObject({
      code: 'provider-error',
      retryable: true,
      details: { providerCode: 'NONEXISTENT' },
    });
    expect(error.message).toBe('IMAP server refused the command');
    expect(isServerRefusal(imapflowError({ responseStatus: 'BAD' }))).toBe(true);
    expect(isServerRefusal(imapflowError({ responseStatus: 'BYE' }))).toBe(false);
  });

  it('maps throttling, limits, permissions and logins', () => {
    expect(mapped(imapflowError({ code: 'ETHROTTLE', throttleReset: 2500 }))).toMatchObject({
      code: 'throttled',
      details: { retryAfterSeconds: 3 },
    });
    expect(mapped(imapflowError({ responseStatus: 'NO', serverResponseCode: 'LIMIT' })).code).toBe(
      'throttled',
    );
    expect(mapped(imapflowError({ responseStatus: 'NO', serverResponseCode: 'NOPERM' })).code).toBe(
      'not-authorized',
    );
    expect(
      mapped(imapflowError({ responseStatus: 'NO', serverResponseCode: 'AUTHENTICATIONFAILED' })).code,
    ).toBe('invalid-credentials');
  });

  it('maps a lost connection and an oversized answer', () => {
    expect(mapped(imapflowError({ code: 'NoConnection' }))).toMatchObject({
      code: 'unreachable',
      message: 'IMAP connection lost',
      retryable: true,
    });
    expect(mapped(imapflowError({ code: 'ECONNRESET' })).code).toBe('unreachable');
    expect(mapped(imapflowError({ code: 'LineTooLarge' }))).toMatchObject({
      code: 'provider-error',
      details: { providerCode: 'LineTooLarge' },
    });
    expect(mapped(new Error('anything Secret'))).toMatchObject({ code: 'provider-error', details: {} });
  });

  it('passes Ferry errors, aborts and non-errors through', () => {
    const ferry = new ProviderError('unreachable', 'x');
    expect(toImapCommandError(ferry)).toBe(ferry);
    const abort = new DOMException('stop', 'AbortError');
    expect(toImapCommandError(abort)).toBe(abort);
    expect(toImapCommandError('text')).toBe('text');
  });
});
