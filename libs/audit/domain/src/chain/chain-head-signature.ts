import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import { isChainHash } from './chain-hash';

/** Domain separator of signed chain heads (checkpoints and the witnessed head). */
export const CHECKPOINT_DOMAIN = 'ferry.audit.checkpoint.v1';

/** A position in an organisation's chain at a moment: what checkpoints and the witness sign. */
export interface ChainHead {
  /** Empty for the installation-level chain. */
  readonly orgId: string;
  readonly sequence: bigint;
  /** The hash of the record at `sequence` (GENESIS_HASH at sequence 0). */
  readonly hash: string;
  /** When it was signed. */
  readonly at: Date;
}

/** A chain head signed with the audit signing key (Ed25519). */
export interface SignedChainHead extends ChainHead {
  /** {@link auditKeyId} of the signing key. */
  readonly keyId: string;
  /** Ed25519 signature over {@link checkpointText}, base64. */
  readonly signature: string;
}

/** Public keys a verifier trusts, by key id (several during a key rotation). */
export type AuditVerifyKeys = ReadonlyMap<string, KeyObject>;

/**
 * The exact text a checkpoint signature covers:
 * `ferry.audit.checkpoint.v1\n<org>\n<sequence>\n<hash>\n<at as ISO-8601 UTC>`.
 */
export function checkpointText(head: ChainHead): string {
  return `${CHECKPOINT_DOMAIN}\n${head.orgId}\n${head.sequence.toString()}\n${head.hash}\n${head.at.toISOString()}`;
}

/** The first 16 hex characters of SHA-256 over the public key's SPKI DER encoding. */
export function auditKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Whether a key is an Ed25519 key of the given type. */
export function isEd25519(key: KeyObject, type: 'private' | 'public'): boolean {
  return key.type === type && key.asymmetricKeyType === 'ed25519';
}

/** Signs a head with an Ed25519 private key. */
export function signChainHead(head: ChainHead, privateKey: KeyObject, keyId: string): SignedChainHead {
  if (!isEd25519(privateKey, 'private')) throw new Error('the audit signing key must be an Ed25519 private key');
  const signature = sign(null, Buffer.from(checkpointText(head), 'utf8'), privateKey).toString('base64');
  return { orgId: head.orgId, sequence: head.sequence, hash: head.hash, at: head.at, keyId, signature };
}

/**
 * Checks a signed head's form and signature against the trusted keys.
 * @returns undefined when it verifies, else why not.
 */
export function signedHeadProblem(head: SignedChainHead, keys: AuditVerifyKeys): string | undefined {
  if (!isChainHash(head.hash)) return 'its hash is not 64 lower-case hex characters';
  if (Number.isNaN(head.at.getTime())) return 'its time is not a valid date';
  const key = keys.get(head.keyId);
  if (!key) return `it is signed with key ${JSON.stringify(head.keyId.slice(0, 16))}, which is not a trusted audit key`;
  const signature = Buffer.from(head.signature, 'base64');
  if (signature.length !== 64) return 'its signature is not 64 bytes of base64';
  return verify(null, Buffer.from(checkpointText(head), 'utf8'), key, signature) ? undefined : 'its signature does not verify';
}
