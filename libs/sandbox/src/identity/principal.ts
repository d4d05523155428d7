/** The verified caller of an emulated API, derived from its access token. */
export type Principal = MicrosoftPrincipal | GooglePrincipal;

export interface MicrosoftPrincipal {
  readonly kind: 'microsoft';
  readonly tenantId: string;
  readonly appId: string;
  /** Application permissions (app-only tokens, `roles` claim). */
  readonly roles: readonly string[];
  /** Delegated permissions (`scp` claim), with `userId` the signed-in user. */
  readonly scopes: readonly string[];
  readonly userId?: string;
}

export interface GooglePrincipal {
  readonly kind: 'google';
  readonly customerId: string;
  /** The service account's client id, or the OAuth client id for user tokens. */
  readonly clientId: string;
  /** The user the token acts as (domain-wide delegation `sub`, or the signed-in user). */
  readonly subject?: string;
  readonly scopes: readonly string[];
}

/**
 * What a route needs from its caller. Graph: any one of the listed application or delegated
 * permissions (as each API page's permissions table lists them). Google: any one of the scopes.
 */
export type AuthRequirement =
  | {
      readonly kind: 'graph';
      readonly application: readonly string[];
      readonly delegated: readonly string[];
      /** The 403 this API answers when no permission matches (Outlook says `ErrorAccessDenied`); default: the directory's `Authorization_RequestDenied`. */
      readonly denied?: { readonly code: string; readonly message: string };
    }
  | { readonly kind: 'google'; readonly scopes: readonly string[] }
  | { readonly kind: 'none' };
