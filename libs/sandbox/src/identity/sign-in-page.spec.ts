import { escapeHtml, signInPageHtml, type SignInPage } from './sign-in-page';

const HOSTILE = `"><script>alert('x')</script>&`;
const ESCAPED = '&#34;&#62;&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;&#38;';

const page = (over: Partial<SignInPage> = {}): SignInPage => ({
  title: 'Sign in',
  heading: 'Sign in to contoso.example',
  userLabel: 'Username',
  submit: 'Next',
  params: new URLSearchParams({ client_id: 'app', state: 's1' }),
  ...over,
});

describe('signInPageHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(HOSTILE)).toBe(ESCAPED);
  });

  it.each([
    ['title', { title: HOSTILE }],
    ['heading', { heading: HOSTILE }],
    ['user-name label', { userLabel: HOSTILE }],
    ['submit button', { submit: HOSTILE }],
    ['decline button', { decline: HOSTILE }],
    ['error alert', { error: HOSTILE }],
    ['login_hint', { params: new URLSearchParams({ login_hint: HOSTILE }) }],
    ['hidden parameter value', { params: new URLSearchParams({ state: HOSTILE }) }],
    ['hidden parameter name', { params: new URLSearchParams({ [HOSTILE]: 'v' }) }],
  ] as const)('escapes the %s', (_what, over: Partial<SignInPage>) => {
    const html = signInPageHtml(page(over));
    expect(html).toContain(ESCAPED);
    expect(html).not.toContain('<script>');
  });

  it('carries the request on as hidden fields, never a submitted user name or password', () => {
    const html = signInPageHtml(page({ params: new URLSearchParams({ client_id: 'app', username: 'adele', password: 'hunter2', login_hint: 'adele@contoso.example' }) }));
    expect(html).toContain('<input type="hidden" name="client_id" value="app">');
    expect(html).toContain('<input name="username" value="adele@contoso.example">');
    expect(html).not.toContain('hunter2');
    expect(html).not.toContain('name="password" value');
    expect(html).not.toContain('value="adele"');
  });

  it('shows the alert only after a failed attempt', () => {
    expect(signInPageHtml(page())).not.toContain('role="alert"');
    expect(signInPageHtml(page({ error: 'Wrong password. Try again.' }))).toContain('<p role="alert">Wrong password. Try again.</p>');
  });

  it('offers a decline button only when asked, and never carries a decline over from the request', () => {
    expect(signInPageHtml(page())).not.toContain('name="decline"');
    const html = signInPageHtml(page({ decline: 'Cancel', params: new URLSearchParams({ client_id: 'app', decline: '1' }) }));
    expect(html).toContain('<button type="submit" name="decline" value="1">Cancel</button>');
    expect(html).not.toContain('<input type="hidden" name="decline"');
  });
});
