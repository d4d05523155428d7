/** Crockford base32: no I, L, O or U, so a code read aloud or retyped is unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 10 symbols of 5 bits: 50 bits per code. */
export const RECOVERY_CODE_SYMBOLS = 10;
/** Random bytes a code is drawn from (the first 50 of their 56 bits are used). */
export const RECOVERY_CODE_BYTES = 7;

/**
 * Formats 7 random bytes as a recovery code, `xxxxx-xxxxx` in lower-case Crockford base32. The
 * caller supplies the randomness, so this stays pure.
 */
export function formatRecoveryCode(random: Uint8Array): string {
  if (random.length < RECOVERY_CODE_BYTES)
    throw new Error(`a recovery code needs ${RECOVERY_CODE_BYTES} random bytes`);
  let bits = 0n;
  for (let i = 0; i < RECOVERY_CODE_BYTES; i += 1) bits = (bits << 8n) | BigInt(random[i] ?? 0);
  let symbols = '';
  for (let i = 0; i < RECOVERY_CODE_SYMBOLS; i += 1)
    symbols += ALPHABET[Number((bits >> BigInt(51 - 5 * i)) & 31n)];
  return `${symbols.slice(0, 5)}-${symbols.slice(5)}`.toLowerCase();
}

/**
 * The canonical form of a typed recovery code (what is hashed): upper-case, separators and spaces
 * dropped, Crockford's look-alikes folded (O -> 0, I and L -> 1). null when it cannot be a code.
 */
export function normaliseRecoveryCode(raw: string): string | null {
  if (raw.length > 40) return null;
  const folded = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (folded.length !== RECOVERY_CODE_SYMBOLS || [...folded].some((ch) => !ALPHABET.includes(ch)))
    return null;
  return folded;
}
