import type { EncryptionContext } from '@ferry/platform/crypto';

// Each sealed column is bound to its row and field: a ciphertext copied to another row or column
// fails authentication instead of decrypting.

/** Binds an account's TOTP secret to that account. */
export function totpSecretContext(accountId: string): EncryptionContext {
  return { account: accountId, field: 'totp_secret' };
}

/** The optional personal data of an account, sealed at rest (minimal PII). */
export type AccountProfileField = 'email' | 'real_name';

/** Binds an account's email or real name to that account and that field. */
export function accountProfileContext(accountId: string, field: AccountProfileField): EncryptionContext {
  return { account: accountId, field };
}

/** Binds an SSO flow's PKCE verifier to its state hash and organisation. */
export function codeVerifierContext(stateHash: string, orgId: string): EncryptionContext {
  return { sso_state: stateHash, org: orgId, field: 'code_verifier' };
}

/** Binds a signing key's private JWK to its key id. */
export function signingKeyContext(kid: string): EncryptionContext {
  return { signing_key: kid, field: 'private_jwk' };
}
