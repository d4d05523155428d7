import { dictionary } from '@zxcvbn-ts/language-common';

/** Why a new password is refused (ASVS 5.0 V6 / NIST 800-63B: length and blocklist only, no composition rules). */
export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'same-as-login-name';

/** Minimum length for accounts that use TOTP. */
export const PASSWORD_MIN_WITH_MFA = 8;
/** Minimum length for accounts without a second factor. */
export const PASSWORD_MIN_WITHOUT_MFA = 15;
/** Longer passwords are refused before hashing, so a huge input cannot make argon2 work for it. */
export const PASSWORD_MAX = 64;

let commonPasswords: ReadonlySet<string> | undefined;

/** The bundled list of common and breached passwords, lower-cased; built once, on first use. */
function common(): ReadonlySet<string> {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return commonPasswords;
}

/** A password's length in Unicode code points after NFC, the unit the length rules count in. */
export function passwordLength(password: string): number {
  return [...password.normalize('NFC')].length;
}

/**
 * Checks a new password: 8-64 code points for accounts with MFA, 15-64 without; refused when it is,
 * case-insensitively, in the common/breached list or equal to the login name. null means acceptable.
 */
export function checkPassword(
  password: string,
  ctx: { readonly mfa: boolean; readonly loginName: string },
): PasswordProblem | null {
  const length = passwordLength(password);
  if (length > PASSWORD_MAX) return 'too-long';
  if (length < (ctx.mfa ? PASSWORD_MIN_WITH_MFA : PASSWORD_MIN_WITHOUT_MFA)) return 'too-short';
  const folded = password.normalize('NFKC').toLowerCase();
  if (ctx.loginName.length > 0 && folded === ctx.loginName.normalize('NFKC').toLowerCase())
    return 'same-as-login-name';
  if (common().has(folded) || common().has(password.toLowerCase())) return 'common';
  return null;
}
