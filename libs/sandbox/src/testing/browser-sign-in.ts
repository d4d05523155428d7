/** The few HTML character references the sandbox's sign-in pages use when escaping values. */
function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return s.replace(/&#x([0-9a-f]+);|&#(\d+);|&(amp|lt|gt|quot);/gi, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : (named[(name ?? '').toLowerCase()] ?? ''),
  );
}

function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : null;
}

/**
 * Signs in at a sandbox identity provider as a browser would: follows redirects by hand, keeps
 * cookies, fills each page's form (hidden fields kept, the user name into text/email inputs, the
 * password into password inputs) and stops at the first redirect to `callbackPrefix`, returning that
 * URL (with its code and state, or error). Tests only.
 */
export async function signInAsBrowser(authorizationUrl: string, options: { callbackPrefix: string; username: string; password: string; maxSteps?: number }): Promise<string> {
  const cookies = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  };
  let url = authorizationUrl;
  let res = await send(url);
  for (let step = 0; step < (options.maxSteps ?? 8); step++) {
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') ?? '', url).href;
      if (url.startsWith(`${options.callbackPrefix}?`)) return url;
      res = await send(url);
      continue;
    }
    const html = await res.text();
    const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) throw new Error(`the provider answered ${res.status} without a sign-in form`);
    const body = new URLSearchParams();
    for (const [input] of form[1]?.matchAll(/<input\b[^>]*>/gi) ?? []) {
      const name = attribute(input, 'name');
      const type = (attribute(input, 'type') ?? 'text').toLowerCase();
      if (!name || type === 'submit' || type === 'button') continue;
      body.append(name, type === 'password' ? options.password : type === 'text' || type === 'email' ? options.username : (attribute(input, 'value') ?? ''));
    }
    url = new URL(attribute(form[0], 'action') ?? url, url).href;
    res = await send(url, { method: (attribute(form[0], 'method') ?? 'get').toUpperCase(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  }
  throw new Error('sign-in did not reach the callback');
}
