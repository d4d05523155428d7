import type { ConnectionFinding } from '@ferry/providers/core';
import type { ProviderError } from '@ferry/providers/core';
import type { ImapEndpoint } from './imap-endpoint';
import { isUntrustedCertificate } from './imap-errors';

/** `connect` passed: the TLS session was established (a refused login still proves that). */
export function connectOk(endpoint: ImapEndpoint, tlsVersion: string | undefined): ConnectionFinding {
  const mode = endpoint.security === 'implicit-tls' ? 'implicit TLS' : 'STARTTLS';
  return {
    check: 'connect',
    status: 'ok',
    detail: `${tlsVersion ?? 'TLS'} session with ${endpoint.host}:${endpoint.port} (${mode}), certificate verified`,
  };
}

/** `connect` failed: nothing else can be checked. */
export function connectFailed(error: ProviderError): ConnectionFinding {
  return { check: 'connect', status: 'failed', detail: error.message, remedy: connectRemedy(error) };
}

function connectRemedy(error: ProviderError): string {
  if (error.code === 'destination-refused') {
    return 'The host resolves to a loopback, private or link-local address, which Ferry refuses by default. If this server really is on the internal network, ask the Ferry operator to add the host (or its address) to the outbound allow-list.';
  }
  const code = error.details.providerCode;
  if (isUntrustedCertificate(code)) {
    return "Add the PEM certificate of the CA that issued the server's certificate to the connector's CA field, or install a certificate from a public CA on the server. Certificate verification cannot be turned off.";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "Enter the host name the server's certificate was issued for, or reissue the certificate to include this host name.";
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return "Renew the server's certificate.";
  return 'Check the host, port and security mode (implicit TLS usually on port 993, STARTTLS on 143), that the server offers TLS 1.2 or later, and that its firewall accepts connections from Ferry.';
}

/**
 * Capability findings from a logged-in session (servers list CONDSTORE and QRESYNC only after login).
 * A missing CONDSTORE or QRESYNC is reported `ok`: the migration works without them, delta passes just
 * compare more, and an operator cannot usually change the source server, so they must not fail the test.
 */
export function capabilityFindings(capabilities: ReadonlySet<string>): ConnectionFinding[] {
  const rev1 = capabilities.has('IMAP4REV1') || capabilities.has('IMAP4REV2');
  return [
    rev1
      ? { check: 'capability:IMAP4rev1', status: 'ok', detail: 'supported' }
      : {
          check: 'capability:IMAP4rev1',
          status: 'missing',
          detail: 'the server does not announce IMAP4rev1',
          remedy:
            "Ferry reads IMAP4rev1 (RFC 3501) servers only; use the server's standard IMAP service rather than a gateway or legacy protocol port.",
        },
    {
      check: 'capability:CONDSTORE',
      status: 'ok',
      detail: capabilities.has('CONDSTORE')
        ? 'supported: delta passes fetch only messages changed since the last pass'
        : "not supported: delta passes compare every message's UID and flags instead (slower, same result)",
    },
    {
      check: 'capability:QRESYNC',
      status: 'ok',
      detail: capabilities.has('QRESYNC')
        ? 'supported: delta passes learn deleted messages from the server'
        : 'not supported: delta passes find deleted messages by comparing UID lists',
    },
  ];
}

/** `login:<label>` passed; the label is the caller's pseudonym for the login, never its user name. */
export function loginOk(label: string, folderCount: number): ConnectionFinding {
  return {
    check: `login:${label}`,
    status: 'ok',
    detail: `logged in; ${folderCount} folder${folderCount === 1 ? '' : 's'}`,
  };
}

/** `login:<label>` failed, with what to do about it. */
export function loginFailed(label: string, error: ProviderError): ConnectionFinding {
  const remedy =
    error.code !== 'invalid-credentials'
      ? 'Run the test again; if the failure stays, check the server log for this login at this time.'
      : error.details.providerCode === 'AUTHORIZATIONFAILED'
        ? 'The master user was accepted but may not open this mailbox: check that the mailbox exists and that the master user may log in as it.'
        : "Check this login's user name and password (for a master-user login, the master user's password); the account may also be locked or require an app password.";
  return { check: `login:${label}`, status: 'failed', detail: error.message, remedy };
}
