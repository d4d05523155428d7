/** Longest detail shown on /health/ready; probes are asked for a few words, not a log line. */
export const MAX_DETAIL_LENGTH = 160;

/**
 * Makes a probe's detail safe to show on an unauthenticated endpoint: URLs (which may carry
 * credentials), `password=`-style pairs and mail addresses are masked, control characters dropped,
 * and the text cut to MAX_DETAIL_LENGTH.
 */
export function sanitizeProbeDetail(detail: unknown): string | undefined {
  if (typeof detail !== 'string') return undefined;
  const masked = withoutControlCharacters(detail)
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
    .replace(
      /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|account[_-]?key|user ?id|uid)(\s*[=:]\s*)[^\s;,&]+/gi,
      '$1$2[redacted]',
    )
    .replace(/[^\s@;,<>()"']+@[^\s@;,<>()"']+\.[a-z]{2,}/gi, '[address]')
    .trim();
  if (masked === '') return undefined;
  return masked.length > MAX_DETAIL_LENGTH ? `${masked.slice(0, MAX_DETAIL_LENGTH - 1)}…` : masked;
}

function withoutControlCharacters(text: string): string {
  return Array.from(text, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? ' ' : char;
  }).join('');
}
