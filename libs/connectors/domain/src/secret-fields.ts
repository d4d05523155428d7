import type { ConnectorSettings } from './connector-settings';

/** The connector-level secrets. Per-user credentials are `user/<pseudonym>` (see userCredentialField). */
export type SecretField = 'client-secret' | 'certificate-key' | 'service-account-key' | 'oauth-client-secret' | 'master-password' | 'admin-user';

const USER_PREFIX = 'user/';

/**
 * The secret a connector's auth mode needs at creation, or null when it has none of its own
 * (admin consent uses the installation's app; per-user IMAP imports its credentials from CSV).
 */
export function primarySecretField(settings: ConnectorSettings): SecretField | null {
  switch (settings.kind) {
    case 'microsoft-365':
      switch (settings.auth) {
        case 'certificate':
          return 'certificate-key';
        case 'client-secret':
        case 'delegated':
          return 'client-secret';
        case 'admin-consent':
          return null;
      }
      break;
    case 'google-workspace':
      return settings.auth === 'service-account' ? 'service-account-key' : 'oauth-client-secret';
    case 'imap':
      return settings.auth === 'master-user' ? 'master-password' : null;
  }
}

/** The vault field of one user's credential (an IMAP login or a delegated grant), keyed by the user's pseudonym. */
export function userCredentialField(pseudonym: string): string {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(pseudonym)) throw new Error('a user credential is keyed by a pseudonym');
  return `${USER_PREFIX}${pseudonym}`;
}

export function isUserCredentialField(field: string): boolean {
  return field.startsWith(USER_PREFIX);
}
