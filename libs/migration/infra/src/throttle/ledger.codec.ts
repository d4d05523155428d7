import type { BucketLevel, ScopeLedger, SlotHolder } from '@ferry/migration/domain';

/**
 * The stored form of a ledger: compact JSON with a version, so every worker's write stays small
 * (a compare-and-set sends the whole value). State, not a message on the bus: no proto contract.
 */
interface StoredLedgerV1 {
  readonly v: 1;
  readonly r?: [number, number];
  readonly u?: [number, number];
  readonly b: number;
  readonly a: [number, number, number];
  readonly h: Record<string, [number, number, number]>;
}

const MAX_HOLDERS = 1024;
const MAX_SLOTS = 100_000;
const WORKER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeLedger(ledger: ScopeLedger): Uint8Array {
  const stored: StoredLedgerV1 = {
    v: 1,
    ...(ledger.rate ? { r: [ledger.rate.tokens, ledger.rate.at] } : {}),
    ...(ledger.upload ? { u: [ledger.upload.tokens, ledger.upload.at] } : {}),
    b: ledger.blockedUntil,
    a: [ledger.aimd.floor, ledger.aimd.since, ledger.aimd.epoch],
    h: Object.fromEntries(Object.entries(ledger.holders).map(([id, h]) => [id, [h.slots, h.want, h.until]])),
  };
  return new TextEncoder().encode(JSON.stringify(stored));
}

/** The ledger in `bytes`, or null when they are not a well-formed version-1 ledger. */
export function decodeLedger(bytes: Uint8Array): ScopeLedger | null {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (!isRecord(raw) || raw['v'] !== 1) return null;
  const rate = level(raw['r']);
  const upload = level(raw['u']);
  const aimd = numbers(raw['a'], 3);
  const blockedUntil = raw['b'];
  const holdersRaw = raw['h'];
  if (rate === null || upload === null || !aimd || !isFiniteNumber(blockedUntil) || !isRecord(holdersRaw)) return null;
  // A floor outside (0, 1] or a negative epoch would unsettle every worker's arithmetic.
  if (!(aimd[0] > 0 && aimd[0] <= 1) || !Number.isInteger(aimd[2]) || aimd[2] < 0) return null;
  const entries = Object.entries(holdersRaw);
  if (entries.length > MAX_HOLDERS) return null;
  const holders: Record<string, SlotHolder> = {};
  for (const [id, value] of entries) {
    const h = numbers(value, 3);
    if (!WORKER_ID.test(id) || !h || !isCount(h[0]) || !isCount(h[1])) return null;
    holders[id] = { slots: h[0], want: h[1], until: h[2] };
  }
  return {
    ...(rate ? { rate } : {}),
    ...(upload ? { upload } : {}),
    blockedUntil,
    aimd: { floor: aimd[0], since: aimd[1], epoch: aimd[2] },
    holders,
  };
}

/** undefined when absent, null when malformed. */
function level(value: unknown): BucketLevel | undefined | null {
  if (value === undefined) return undefined;
  const pair = numbers(value, 2);
  return pair ? { tokens: pair[0], at: pair[1] } : null;
}

function numbers(value: unknown, length: 2): [number, number] | null;
function numbers(value: unknown, length: 3): [number, number, number] | null;
function numbers(value: unknown, length: number): number[] | null {
  return Array.isArray(value) && value.length === length && value.every(isFiniteNumber) ? value : null;
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_SLOTS;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
