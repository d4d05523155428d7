import { X509Certificate } from 'node:crypto';
import { normaliseHostName } from '@ferry/platform/net';
import { ProviderError } from '@ferry/providers/core';

/**
 * How the connection is protected: `implicit-tls` (IMAPS, usually port 993) or `starttls` (plain IMAP,
 * usually port 143, upgraded before anything else is sent; a server that does not offer STARTTLS is
 * refused). There is no unencrypted mode.
 */
export type ImapSecurity = 'implicit-tls' | 'starttls';

/** The security modes, for operator-facing forms and validation. */
export const IMAP_SECURITY_MODES: readonly ImapSecurity[] = ['implicit-tls', 'starttls'];

/** Where an IMAP source server listens. Operator configuration, not a secret. */
export interface ImapEndpoint {
  /** Host name or IP address; the certificate is verified against it. */
  readonly host: string;
  readonly port: number;
  readonly security: ImapSecurity;
  /**
   * Extra trusted CA certificates (PEM), added to the public CAs for a server whose certificate a
   * customer's private CA issued. Certificate verification itself cannot be turned off.
   */
  readonly ca?: string;
}

const MAX_CA_PEM_LENGTH = 64 * 1024;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

/**
 * Checks operator input and returns a clean {@link ImapEndpoint} (the host in canonical form, unknown
 * fields dropped).
 * @throws ProviderError `invalid-input` naming the field; the value itself is never echoed.
 */
export function validateImapEndpoint(input: unknown): ImapEndpoint {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const host = typeof fields['host'] === 'string' ? normaliseHostName(fields['host']) : undefined;
  if (host === undefined) throw invalid('host is not a host name or IP address');
  const port = fields['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw invalid('port is not a whole number from 1 to 65535');
  }
  const security = fields['security'];
  if (!IMAP_SECURITY_MODES.includes(security as ImapSecurity)) {
    throw invalid(`security is not one of ${IMAP_SECURITY_MODES.join(', ')}`);
  }
  const ca = fields['ca'];
  if (ca === undefined) return { host, port, security: security as ImapSecurity };
  if (typeof ca !== 'string' || !isCertificatePem(ca))
    throw invalid('ca is not one or more PEM certificates');
  return { host, port, security: security as ImapSecurity, ca };
}

function isCertificatePem(pem: string): boolean {
  if (pem.length > MAX_CA_PEM_LENGTH) return false;
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  // Text between or around the blocks would be ignored by TLS; refuse it rather than guess what was meant.
  if (blocks.length === 0 || pem.replace(PEM_CERTIFICATE, '').trim() !== '') return false;
  return blocks.every((block) => {
    try {
      return new X509Certificate(block).ca;
    } catch {
      return false;
    }
  });
}

function invalid(problem: string): ProviderError {
  return new ProviderError('invalid-input', `IMAP endpoint: ${problem}`);
}
