/** The longest address accepted: 64 characters of local part, `@`, 255 of domain (RFC 5321 4.5.3.1). */
export const MAX_ADDRESS_LENGTH = 320;

/** Why a text is not a mailbox address; worded so it never needs to quote the text. */
export type AddressProblem = 'missing' | 'too-long' | 'not-an-address';

// RFC 5322 atext, plus any non-ASCII letter or symbol (RFC 6531 internationalised local parts).
const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\uffff]+$/;
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Z}\ud800-\udfff]/u;
const LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?$/u;

/**
 * A mailbox address as Ferry stores it, or why the text is not one. Accepted: `local@domain` with a
 * dot-atom local part (ASCII atext or non-ASCII characters; no quoted local parts, which neither
 * Exchange Online nor Gmail hosts), a domain of two or more labels (IDN labels in Unicode), no IP
 * literal. Normalised: trimmed, NFC, and lower case as a whole. Keeping the local part's case would
 * gain nothing: Exchange Online and Gmail match addresses ignoring case, and the connectors' IMAP login
 * table is keyed by the lower-cased address, so two spellings would only make two keys for one mailbox.
 */
export function normaliseAddress(raw: string): { address: string } | { problem: AddressProblem } {
  const text = raw.trim().normalize('NFC');
  if (text === '') return { problem: 'missing' };
  if (text.length > MAX_ADDRESS_LENGTH) return { problem: 'too-long' };
  const at = text.indexOf('@');
  if (at < 1 || at !== text.lastIndexOf('@') || FORBIDDEN.test(text)) return { problem: 'not-an-address' };
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (local.length > 64 || domain.length > 255 || !local.split('.').every((atom) => ATOM.test(atom)))
    return { problem: 'not-an-address' };
  const labels = domain.split('.');
  if (
    labels.length < 2 ||
    !labels.every((label) => LABEL.test(label)) ||
    /^\d+$/.test(labels[labels.length - 1] ?? '')
  )
    return { problem: 'not-an-address' };
  return { address: `${local}@${domain}`.toLowerCase() };
}
