/**
 * Masks the credential-shaped parts of a message before it is logged: the user-info of URLs
 * (`postgres://user:pass@host`) and `password=`/`secret=`/`token=` style pairs. A last line of
 * defence for error messages from drivers; it does not make arbitrary text safe.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, '$1[redacted]@')
    .replace(
      /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|account[_-]?key)(\s*[=:]\s*)[^\s;,&]+/gi,
      '$1$2[redacted]',
    );
}
