import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';

/** AES-256-GCM parameters used everywhere in this library: 96-bit random IV, 128-bit tag. */
export const AES_GCM = { algorithm: 'aes-256-gcm', keyBytes: 32, ivBytes: 12, tagBytes: 16 } as const;

/** Output of one AES-256-GCM encryption. */
export interface GcmSealed {
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** Encrypts with a fresh random IV. */
export function gcmEncrypt(key: KeyObject | Buffer, plaintext: Buffer, aad: Buffer): GcmSealed {
  const iv = randomBytes(AES_GCM.ivBytes);
  const cipher = createCipheriv(AES_GCM.algorithm, key, iv, { authTagLength: AES_GCM.tagBytes });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts and authenticates; returns undefined when authentication fails so callers choose the error.
 * The tag length is pinned because GCM would otherwise accept a truncated tag.
 */
export function gcmDecrypt(key: KeyObject | Buffer, sealed: GcmSealed, aad: Buffer): Buffer | undefined {
  if (sealed.iv.length !== AES_GCM.ivBytes || sealed.tag.length !== AES_GCM.tagBytes) return undefined;
  const decipher = createDecipheriv(AES_GCM.algorithm, key, sealed.iv, { authTagLength: AES_GCM.tagBytes });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  const head = decipher.update(sealed.ciphertext);
  try {
    return Buffer.concat([head, decipher.final()]);
  } catch {
    head.fill(0);
    return undefined;
  }
}
