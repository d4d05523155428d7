import type { MailboxRef } from './mail.ports';

/** A short-lived access token from the connectors service's broker; held in memory only. */
export interface AccessToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** IMAP has no tokens: the broker hands the migration service a login for one mailbox. */
export interface ImapLogin {
  readonly host: string;
  readonly port: number;
  readonly security: 'implicit-tls' | 'starttls';
  /** Extra CA (PEM) for a private CA; verification is never off. */
  readonly ca?: string;
  readonly username: string;
  readonly password: string;
}

/** Credentials for the adapters, from the broker (cached until shortly before expiry). */
export interface AccessProvider {
  token(mailbox: MailboxRef, scopes: readonly string[], signal: AbortSignal): Promise<AccessToken>;
  imapLogin(mailbox: MailboxRef, signal: AbortSignal): Promise<ImapLogin>;
  /** Drops a cached token the provider refused (401), so the next call asks the broker again. */
  invalidate(mailbox: MailboxRef): void;
}
