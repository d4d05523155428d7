import type { ServerResponse } from 'node:http';

/** What a vendor's sign-in form says, and the authorization request it carries on. */
export interface SignInPage {
  readonly title: string;
  readonly heading: string;
  /** The label of the user-name field (`Username`, `Email`). */
  readonly userLabel: string;
  readonly submit: string;
  /** A second button that submits `decline=1` (a consent screen's Cancel); none unless given. */
  readonly decline?: string;
  /** The alert shown after a failed attempt; none on the first view. */
  readonly error?: string;
  /** The authorization request's parameters: echoed as hidden fields, `login_hint` pre-fills the user name. */
  readonly params: URLSearchParams;
}

/** Escapes text for an HTML text node or a quoted attribute value. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The sandbox's sign-in form (Entra and Google alike): posts back to the authorization endpoint
 * with the request's parameters, minus any user name, password and decline, as hidden fields. Every value
 * is escaped, since all of them can come from the request.
 */
export function signInPageHtml(page: SignInPage): string {
  const e = escapeHtml;
  const hidden = [...page.params.entries()]
    .filter(([k]) => k !== 'username' && k !== 'password' && k !== 'decline')
    .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
    .join('');
  const alert = page.error === undefined ? '' : `<p role="alert">${e(page.error)}</p>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${e(page.title)}</title></head><body><h1>${e(page.heading)}</h1>${alert}<form method="post">${hidden}<label>${e(page.userLabel)} <input name="username" value="${e(page.params.get('login_hint') ?? '')}"></label><label>Password <input type="password" name="password"></label><button type="submit">${e(page.submit)}</button>${page.decline === undefined ? '' : `<button type="submit" name="decline" value="1">${e(page.decline)}</button>`}</form></body></html>`;
}

/** Answers with the sign-in form: never cached, and a CSP that allows nothing but posting it back. */
export function sendSignInPage(res: ServerResponse, page: SignInPage): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; form-action 'self'" });
  res.end(signInPageHtml(page));
}
