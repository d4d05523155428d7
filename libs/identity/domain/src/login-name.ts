/** The result of checking one piece of user input: the normalised value, or a reason that never echoes it. */
export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export const LOGIN_NAME_MAX = 64;
export const DISPLAY_NAME_MAX = 100;

// ASCII only, so Unicode confusables (a Cyrillic "а") and SQL/shell-special characters are refused outright.
const LOGIN_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$/;

/**
 * Normalises a login name (NFKC, lower-case, trimmed) and checks it against the allowed shape:
 * 1-64 characters of `a-z 0-9 . _ @ -`, starting and ending with a letter or digit. Full-width
 * letters fold to ASCII under NFKC; anything still outside ASCII is refused.
 */
export function normaliseLoginName(raw: string): Checked<string> {
  const value = raw.normalize('NFKC').toLowerCase().trim();
  if (value.length === 0) return { ok: false, reason: 'required' };
  if (value.length > LOGIN_NAME_MAX) return { ok: false, reason: `at most ${LOGIN_NAME_MAX} characters` };
  if (!LOGIN_NAME_PATTERN.test(value)) {
    return { ok: false, reason: 'only a-z, 0-9 and . _ @ -, starting and ending with a letter or digit' };
  }
  return { ok: true, value };
}

/** C0/C1 controls break log lines and CSV exports; bidi controls can make a name display as another. */
function isForbiddenInDisplayName(codePoint: number): boolean {
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0x061c ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069)
  );
}

/** Normalises a display name (NFC, trimmed) and checks it: 1-100 code points, no control or bidi-override characters. */
export function validateDisplayName(raw: string): Checked<string> {
  const value = raw.normalize('NFC').trim();
  const codePoints = [...value];
  if (codePoints.length === 0) return { ok: false, reason: 'required' };
  if (codePoints.length > DISPLAY_NAME_MAX)
    return { ok: false, reason: `at most ${DISPLAY_NAME_MAX} characters` };
  if (codePoints.some((ch) => isForbiddenInDisplayName(ch.codePointAt(0) ?? 0))) {
    return { ok: false, reason: 'must not contain control or bidirectional-override characters' };
  }
  return { ok: true, value };
}
