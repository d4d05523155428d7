import { CursorExpiredError } from '@ferry/migration/application';
import { ProviderError } from '@ferry/providers/core';

/**
 * Where an enumeration or a change feed stands, carried by the caller between pages (the adapter keeps
 * no state): the folders still to read (the current one first), the Graph link to continue the current
 * one with, and for a change feed the delta links gathered so far (the next cursor).
 */
export interface GraphPageState {
  readonly r: readonly string[];
  readonly l?: string;
  readonly c?: Readonly<Record<string, string>>;
}

/**
 * The change feed cursor: per folder id, where its `messages/delta` stands. Each entry is the delta
 * link's query (`$deltatoken=...`) when the link is the folder's usual delta path, else the link as
 * Graph gave it.
 */
export type GraphCursor = Readonly<Record<string, string>>;

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isStringRecord = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((x) => typeof x === 'string');

export function encodePageState(state: GraphPageState): string {
  return encode(state);
}

export function decodePageState(token: string): GraphPageState {
  const v = decode(token) as Partial<GraphPageState> | undefined;
  if (
    !v ||
    !Array.isArray(v.r) ||
    !v.r.every((x) => typeof x === 'string') ||
    (v.l !== undefined && typeof v.l !== 'string') ||
    (v.c !== undefined && !isStringRecord(v.c))
  ) {
    throw new ProviderError('invalid-input', 'the Graph page token is malformed');
  }
  return { r: v.r, ...(v.l !== undefined ? { l: v.l } : {}), ...(v.c !== undefined ? { c: v.c } : {}) };
}

export function encodeCursor(cursor: GraphCursor): string {
  return `g1.${encode(cursor)}`;
}

/** A cursor this adapter wrote; anything else cannot be continued, so the caller enumerates. */
export function decodeCursor(text: string): GraphCursor {
  const v = text.startsWith('g1.') ? decode(text.slice(3)) : undefined;
  if (!isStringRecord(v)) throw new CursorExpiredError('the Graph cursor is not one Ferry wrote');
  return v;
}
