export {
  checkImapConnection,
  type ImapConnectionCheck,
  type LabelledImapLogin,
} from './imap-connection-check';
export { IMAP_LIMITS } from './imap-client-options';
export {
  IMAP_SECURITY_MODES,
  type ImapEndpoint,
  type ImapSecurity,
  validateImapEndpoint,
} from './imap-endpoint';
export { type ImapLogin, masterUserLogin, validateImapLogin } from './imap-login';
export { openImapSession, type ImapSessionOptions } from './imap-session';
// Tests only (here and in other libraries' integration tests): a private Dovecot and a mailbox seeder.
// They load nothing beyond Node built-ins and this library, so production imports stay lean.
export {
  type DovecotOptions,
  type DovecotServer,
  type DovecotUser,
  startDovecot,
} from './testing/dovecot-server';
export { seedMailbox, type SeedFolder, type SeededFolder } from './testing/seed-mailbox';
