/** One refused field and why, never echoing the value. */
export interface Violation {
  readonly field: string;
  readonly reason: string;
}

/** C0 and C1 control characters break log lines and CSV exports. */
export function hasControlCharacter(text: string): boolean {
  return [...text].some((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
