/** JSON value kinds a response field may have. */
export type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/**
 * A response shape keyed by the official type's own field names (`keyof MicrosoftGraph.Message`,
 * `keyof gmail_v1.Schema$Message`), so TypeScript refuses a field the vendor's schema lacks.
 */
export type Shape<T> = { readonly [K in keyof T]?: Kind | readonly Kind[] };

function kindOf(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'object') return t;
  throw new Error(`not a JSON value: ${t}`);
}

/**
 * Checks a response object against the official schema's field list: every field present must be
 * one the vendor's type declares (annotations like `@odata.*` aside), with the declared kind, and
 * the `required` ones must be there. Throws with every mismatch listed.
 */
export function expectShape<T>(value: unknown, shape: Shape<T>, required: readonly (keyof T & string)[] = []): void {
  const problems: string[] = [];
  if (kindOf(value) !== 'object') throw new Error(`expected an object, got ${kindOf(value)}`);
  const obj = value as Record<string, unknown>;
  const spec = shape as Record<string, Kind | readonly Kind[] | undefined>;
  for (const [key, v] of Object.entries(obj)) {
    if (key.startsWith('@odata.') || key.includes('@odata.')) continue;
    const allowed = spec[key];
    if (allowed === undefined) {
      problems.push(`field '${key}' is not in the official schema`);
      continue;
    }
    const kinds = typeof allowed === 'string' ? [allowed] : allowed;
    if (!kinds.includes(kindOf(v))) problems.push(`field '${key}' is ${kindOf(v)}, schema says ${kinds.join('|')}`);
  }
  for (const key of required) if (!(key in obj)) problems.push(`required field '${key}' is missing`);
  if (problems.length > 0) throw new Error(`response does not match the official schema:\n  ${problems.join('\n  ')}`);
}
