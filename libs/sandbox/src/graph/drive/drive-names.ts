/**
 * OneDrive for Business naming rules (learn.microsoft.com "Restrictions and limitations in OneDrive
 * and SharePoint"): these characters are refused anywhere in a name, and these names are reserved.
 */
const INVALID_CHARS = /["*:<>?/\\|]/;
const RESERVED = /^(\.lock|CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9]|desktop\.ini)$/i;

/** Why a file or folder name would be refused, or undefined when OneDrive accepts it. */
export function invalidNameReason(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > 255) return 'the name is longer than 255 characters';
  if (INVALID_CHARS.test(name)) return 'the name contains one of " * : < > ? / \\ |';
  if (name !== name.trim()) return 'the name starts or ends with a space';
  if (name.endsWith('.')) return 'the name ends with a period';
  if (RESERVED.test(name) || name.startsWith('~$') || name.includes('_vti_')) return `'${name}' is a reserved name`;
  return undefined;
}

const MIME: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  csv: 'text/csv',
  md: 'text/markdown',
  json: 'application/json',
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** The MIME type OneDrive reports in `file.mimeType`, from the extension. */
export function mimeTypeOf(name: string): string {
  const ext = name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '';
  return MIME[ext] ?? 'application/octet-stream';
}

/** `name (1).ext`, `name (2).ext`, ...: how OneDrive renames on `conflictBehavior: rename`. */
export function renamed(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} ${n}${name.slice(dot)}` : `${name} ${n}`;
}
