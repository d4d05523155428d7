import { createHash } from 'node:crypto';

/** Domain separator of chain hashes; a new encoding gets a new version, never a changed v1. */
export const CHAIN_HASH_DOMAIN = 'ferry.audit.chain.v1';

/** The previous hash of an organisation's first record: 32 zero bytes, as hex. */
export const GENESIS_HASH = '0'.repeat(64);

const HASH_HEX = /^[0-9a-f]{64}$/;
const DOMAIN_BYTES = Buffer.from(`${CHAIN_HASH_DOMAIN}\u0000`, 'utf8');
const MAX_SEQUENCE = (1n << 64n) - 1n;

/** The largest sequence a SQL bigint holds (signed 64-bit): a chain's practical end, and "no bound" in queries. */
export const MAX_STORED_SEQUENCE = (1n << 63n) - 1n;

/** Whether `value` is a chain hash as stored: 64 lower-case hex characters. */
export function isChainHash(value: string): boolean {
  return HASH_HEX.test(value);
}

/** What one record's hash covers. */
export interface ChainLink {
  /** The hash of the organisation's previous record (GENESIS_HASH for the first). */
  readonly prevHash: string;
  /** 1-based position in the organisation's chain. */
  readonly sequence: bigint;
  readonly id: string;
  /** Empty for installation-level records. */
  readonly orgId: string;
  /** The event's protobuf bytes exactly as stored. */
  readonly payload: Uint8Array;
}

/**
 * SHA-256 over the canonical encoding of a link, as 64 lower-case hex characters:
 * `"ferry.audit.chain.v1" 0x00 || prev_hash (32 bytes) || uint64be(sequence) || uint32be(len) id ||
 * uint32be(len) org_id || uint32be(len) payload` (id and org_id in UTF-8). Every variable-length
 * field is length-prefixed, so no two different links encode alike.
 * @throws Error when prevHash is not a chain hash or the sequence is out of uint64 range.
 */
export function chainHash(link: ChainLink): string {
  if (!isChainHash(link.prevHash)) throw new Error('prev_hash must be 64 lower-case hex characters');
  if (link.sequence < 1n || link.sequence > MAX_SEQUENCE) throw new Error('sequence must be 1 to 2^64-1');
  const id = Buffer.from(link.id, 'utf8');
  const org = Buffer.from(link.orgId, 'utf8');
  const payload = link.payload;
  // One buffer, one update: verification hashes every record, so this is its hot path.
  const out = Buffer.allocUnsafe(DOMAIN_BYTES.length + 32 + 8 + 12 + id.length + org.length + payload.length);
  let at = DOMAIN_BYTES.copy(out, 0);
  at += out.write(link.prevHash, at, 'hex');
  at = out.writeBigUInt64BE(link.sequence, at);
  at = out.writeUInt32BE(id.length, at);
  at += id.copy(out, at);
  at = out.writeUInt32BE(org.length, at);
  at += org.copy(out, at);
  at = out.writeUInt32BE(payload.length, at);
  out.set(payload, at);
  const hash = createHash('sha256').update(out);
  return hash.digest('hex');
}
