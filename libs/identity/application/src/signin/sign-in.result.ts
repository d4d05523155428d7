import type { IssuedTokens } from '../session-issuer';

/** A pending step handed to the client: the opaque token (never logged) and its expiry. */
export interface PendingStepToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** The next step of a sign-in: signed in, a second factor needed, or TOTP enrolment first. */
export type SignInResult =
  | { readonly kind: 'session'; readonly tokens: IssuedTokens }
  | { readonly kind: 'mfa-required'; readonly step: PendingStepToken }
  | { readonly kind: 'enrolment-required'; readonly step: PendingStepToken };
