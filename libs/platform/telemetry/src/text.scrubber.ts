import type { Pseudonymizer } from './address.pseudonymizer';

/** What a masked value is replaced with, in logs and spans alike. */
export const REDACTED = '[redacted]';

// Every repetition below is bounded, so a long run of word characters cannot make a pattern
// backtrack quadratically; scrubbing runs on every log line and span attribute.
const SECRET_WORD =
  '(?:authorization|cookie|passw(?:or)?d|passphrase|secret|token|api[_-]?key|private[_-]?key|signing[_-]?key|assertion|code[_-]?verifier)';

const RULES: readonly (readonly [RegExp, string])[] = [
  // scheme://user:password@host -> keep the user, drop the password.
  [/\b([a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@]{0,256}:)[^\s/@]{1,512}@/gi, `$1${REDACTED}@`],
  // Authorization header values written out: "Bearer <token>", "Basic <base64>".
  [/\b(Bearer|Basic|Digest|Negotiate|NTLM)\s+[A-Za-z0-9._~+/=-]{4,}/g, `$1 ${REDACTED}`],
  // JSON Web Tokens anywhere (header.payload.signature, base64url).
  [/\beyJ[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{0,1024}/g, REDACTED],
  // key=value, key: value and "key":"value" where the key names a credential.
  [
    new RegExp(
      `([A-Za-z0-9_.-]{0,40}${SECRET_WORD}[A-Za-z0-9_.-]{0,40}"?\\s{0,4}[=:]\\s{0,4}"?)(?!\\[redacted\\])[^\\s&"',;}\\]]{1,4096}`,
      'gi',
    ),
    `$1${REDACTED}`,
  ],
  // An OAuth authorization code in a query string or fragment.
  [/([?&#;]code=)[^&#\s]{1,4096}/gi, `$1${REDACTED}`],
];

/** `text` with credential-shaped substrings (URL passwords, bearer tokens, JWTs, `secret=...`) masked. */
export function maskSecretsInText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

/** `text` with credentials masked and mail addresses replaced by their pseudonyms. */
export function scrubText(text: string, pseudonymizer: Pseudonymizer): string {
  return pseudonymizer.pseudonymizeText(maskSecretsInText(text));
}
