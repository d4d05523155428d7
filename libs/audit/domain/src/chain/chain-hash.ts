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

function lengthPrefixed(bytes: Uint8Array): Buffer[] {
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length, 0);
  return [length, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
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
  const sequence = Buffer.allocUnsafe(8);
  sequence.writeBigUInt64BE(link.sequence, 0);
  const hash = createHash('sha256');
  hash.update(DOMAIN_BYTES);
  hash.update(Buffer.from(link.prevHash, 'hex'));
  hash.update(sequence);
  for (const part of [
    ...lengthPrefixed(Buffer.from(link.id, 'utf8')),
    ...lengthPrefixed(Buffer.from(link.orgId, 'utf8')),
    ...lengthPrefixed(link.payload),
  ]) {
    hash.update(part);
  }
  return hash.digest('hex');
}
