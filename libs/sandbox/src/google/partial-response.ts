import { googleError } from '../http/vendor-errors';

/** A parsed `fields` mask: `true` keeps a whole value, a nested mask keeps some of its fields. */
export type FieldMask = Map<string, FieldMask | true>;

/**
 * Parses Google's partial-response syntax (`kind,items(id,name),owners/emailAddress`, `*`).
 * developers.google.com/drive/api/guides/fields-parameter describes it.
 */
export function parseFields(spec: string): FieldMask {
  let i = 0;
  const fail = (): never => {
    throw googleError(400, 'invalidParameter', `Invalid field selection ${spec.slice(0, 200)}`, { location: 'fields', locationType: 'parameter' });
  };
  const list = (): FieldMask => {
    const mask: FieldMask = new Map();
    for (;;) {
      const start = i;
      while (i < spec.length && /[A-Za-z0-9_*@.-]/.test(spec[i] ?? '')) i++;
      const name = spec.slice(start, i).trim();
      if (!name) fail();
      let value: FieldMask | true = true;
      if (spec[i] === '/') {
        i++;
        const inner = list1();
        value = inner;
      } else if (spec[i] === '(') {
        i++;
        value = list();
        if (spec[i] !== ')') fail();
        i++;
      }
      mask.set(name, merge(mask.get(name), value));
      if (spec[i] === ',') {
        i++;
        continue;
      }
      return mask;
    }
  };
  // `a/b/c`: a path of single names.
  const list1 = (): FieldMask => {
    const start = i;
    while (i < spec.length && /[A-Za-z0-9_*@.-]/.test(spec[i] ?? '')) i++;
    const name = spec.slice(start, i);
    if (!name) fail();
    let value: FieldMask | true = true;
    if (spec[i] === '/') {
      i++;
      value = list1();
    } else if (spec[i] === '(') {
      i++;
      value = list();
      if (spec[i] !== ')') fail();
      i++;
    }
    return new Map([[name, value]]);
  };
  if (spec.length > 4096) fail();
  const mask = list();
  if (i !== spec.length) fail();
  return mask;
}

function merge(a: FieldMask | true | undefined, b: FieldMask | true): FieldMask | true {
  if (a === undefined) return b;
  if (a === true || b === true) return true;
  const out: FieldMask = new Map(a);
  for (const [k, v] of b) out.set(k, merge(out.get(k), v));
  return out;
}

/** Keeps only the masked fields of a JSON value (arrays apply the mask to each element). */
export function applyFields(value: unknown, mask: FieldMask | true): unknown {
  if (mask === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => applyFields(v, mask));
  if (mask.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of mask) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = applyFields(v, sub);
  }
  return out;
}
