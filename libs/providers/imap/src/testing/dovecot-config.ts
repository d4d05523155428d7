/** Everything a private Dovecot's configuration depends on. */
export interface DovecotConfigInput {
  /** The temp directory holding everything below. */
  readonly dir: string;
  readonly instanceName: string;
  readonly host: string;
  readonly starttlsPort: number;
  readonly implicitTlsPort: number;
  readonly certPath: string;
  readonly keyPath: string;
  readonly usersFile: string;
  readonly masterUsersFile?: string;
  /** Who owns the mail: Dovecot never lets a mail process run as root. */
  readonly mailUid: number;
  readonly mailGid: number;
  /** Set when the test does not run as root: every service then runs as this user and group, without chroot. */
  readonly unprivileged?: { readonly user: string; readonly group: string };
}

/**
 * A complete, standalone dovecot.conf (the system's /etc/dovecot is never read): IMAP only, on `host`,
 * plain listener offering STARTTLS plus an implicit-TLS listener, TLS 1.2+, no plaintext login, users and
 * an optional master user from passwd files, maildirs under `dir`. CONDSTORE and QRESYNC are built in.
 */
export function dovecotConfig(c: DovecotConfigInput): string {
  const { unprivileged } = c;
  const masterPassdb = c.masterUsersFile
    ? `
# "user*master" logs in as user with the master's password; pass = yes still requires user to exist.
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT ${c.masterUsersFile}
  master = yes
  pass = yes
}`
    : '';
  return `# Written by Ferry's Dovecot test harness for one test run; deleted when the server stops.
protocols = imap
listen = ${c.host}
instance_name = ${c.instanceName}
base_dir = ${c.dir}/run
state_dir = ${c.dir}/state
log_path = ${c.dir}/dovecot.log
info_log_path = ${c.dir}/dovecot.log

ssl = required
ssl_cert = <${c.certPath}
ssl_key = <${c.keyPath}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes

auth_mechanisms = plain login
auth_master_user_separator = *
# Tests try many wrong passwords; a real server keeps the 2 s default.
auth_failure_delay = 0
first_valid_uid = ${c.mailUid}
first_valid_gid = ${c.mailGid}
mail_location = maildir:~/Maildir
${unprivileged ? `default_login_user = ${unprivileged.user}\ndefault_internal_user = ${unprivileged.user}\ndefault_internal_group = ${unprivileged.group}\n` : ''}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Trash {
    special_use = \\Trash
  }
  mailbox Junk {
    special_use = \\Junk
  }
  mailbox Archive {
    special_use = \\Archive
  }
}
${masterPassdb}
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT ${c.usersFile}
}
userdb {
  driver = static
  args = uid=${c.mailUid} gid=${c.mailGid} home=${c.dir}/mail/%u
}

service imap-login {
  inet_listener imap {
    address = ${c.host}
    port = ${c.starttlsPort}
  }
  inet_listener imaps {
    address = ${c.host}
    port = ${c.implicitTlsPort}
    ssl = yes
  }${unprivileged ? '\n  chroot =' : ''}
}
# A socket auth cannot open turns off the penalty that slows every login from an address after a failure.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }${unprivileged ? '\n  chroot =' : ''}
}
`;
}
