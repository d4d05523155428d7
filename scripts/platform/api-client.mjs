// A small client of Ferry's public API for the demo: JSON calls and the sign-in steps, with an
// authenticator (TOTP) computed from the enrolled secret.
import * as OTPAuth from 'otpauth';

export async function call(url, { method = 'GET', body, token } = {}) {
  const res = await fetch(url, {
    method,
    headers: { 'user-agent': 'ferry-demo', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

// A spent time step is refused (replay protection): successive codes use successive steps, borrowing
// at most the next one, which the verifier accepts, else waiting for it.
const lastStep = new Map();
export async function totpCode(secret) {
  const current = () => Math.floor(Date.now() / 30_000);
  let step = Math.max(current(), (lastStep.get(secret) ?? -1) + 1);
  if (step > current() + 1) await new Promise((r) => setTimeout(r, (step - 1) * 30_000 - Date.now() + 50));
  step = Math.max(current(), (lastStep.get(secret) ?? -1) + 1);
  lastStep.set(secret, step);
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: step * 30_000 });
}

const fail = (what, r) => new Error(`${what} answered ${r.status}: ${r.body.message ?? r.body.status ?? ''}`);

/**
 * Signs in with a password. A first sign-in enrols TOTP (the secret comes from the otpauth URI, as an
 * authenticator app would scan it); later ones answer the TOTP step with `totpSecret`.
 * Returns the access token and the TOTP secret in use.
 */
export async function signIn(api, loginName, password, totpSecret) {
  const first = await call(`${api}/auth/signin`, { method: 'POST', body: { loginName, password } });
  if (first.status !== 200) throw fail('sign-in', first);
  const pendingToken = first.body.pendingToken;
  if (first.body.status === 'mfa-required') {
    if (!totpSecret) throw new Error(`${loginName} has TOTP enrolled but no authenticator secret is known here`);
    const done = await call(`${api}/auth/mfa`, { method: 'POST', body: { pendingToken, code: await totpCode(totpSecret) } });
    if (done.status !== 200) throw fail('the TOTP step', done);
    return { accessToken: done.body.accessToken, totpSecret, enrolled: false };
  }
  if (first.body.status !== 'enrolment-required') return { accessToken: first.body.accessToken, totpSecret: null, enrolled: false };
  const enrolment = await call(`${api}/auth/mfa/enrolment`, { method: 'POST', body: { pendingToken } });
  if (enrolment.status !== 200) throw fail('enrolment', enrolment);
  const secret = OTPAuth.URI.parse(enrolment.body.otpauthUri).secret.base32;
  const verified = await call(`${api}/auth/mfa/enrolment/verify`, { method: 'POST', body: { pendingToken, code: await totpCode(secret) } });
  if (verified.status !== 200) throw fail('enrolment verification', verified);
  return { accessToken: verified.body.accessToken, totpSecret: secret, enrolled: true, recoveryCodes: verified.body.recoveryCodes };
}
