/** An access token a provider issued. Lives in memory only; never logged. */
export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresAt: Date;
  /** What the token grants, as the provider reports it (Graph `roles`/`scp`, Google `scope`). */
  readonly granted: readonly string[];
}

/** A user's delegated grant from an OAuth authorization-code or refresh-token exchange. */
export interface DelegatedGrant extends IssuedToken {
  /** Present when the provider issued (or rotated) one; store it sealed, replacing the old one. */
  readonly refreshToken?: string;
  /** Who granted it, from the verified ID token: a stable id and the sign-in name. */
  readonly account: { readonly id: string; readonly username: string };
}
