/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** An apostrophe Ferry put before such a character on export. */
const NEUTRALISED = /^'[=+\-@\t\r]/;

/**
 * A cell a spreadsheet will show as text: one that starts with `=`, `+`, `-`, `@`, tab or CR gets a
 * leading apostrophe, which spreadsheets take for "this is text" (and hide).
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The cell as it was before `neutraliseFormula`, so an exported file imports back unchanged. */
export function restoreNeutralised(value: string): string {
  return NEUTRALISED.test(value) ? value.slice(1) : value;
}

/** One RFC 4180 field: quoted, with quotes doubled, when it holds a comma, a quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One RFC 4180 record with its CRLF, every cell neutralised then quoted as needed. */
export function csvRecord(cells: readonly string[]): string {
  return `${cells.map((cell) => csvField(neutraliseFormula(cell))).join(',')}\r\n`;
}
