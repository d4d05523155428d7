import * as OTPAuth from 'otpauth';

/** What a signed-in test client holds: its access token and its authenticator. */
export interface ApiSession {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly totpSecret: string;
  readonly recoveryCodes: readonly string[];
}

const post = async (url: string, body: unknown, token?: string) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
};

// Each accepted TOTP step is spent (replay protection), so successive codes for one secret use
// successive time steps; the verifier accepts one step ahead, so at most one step is borrowed and
// otherwise the helper waits for the clock.
const lastStep = new Map<string, number>();
export async function totpCode(secret: string): Promise<string> {
  let now = Date.now();
  let step = Math.max(Math.floor(now / 30_000), (lastStep.get(secret) ?? -1) + 1);
  if (step > Math.floor(now / 30_000) + 1) {
    await new Promise((r) => setTimeout(r, (step - 1) * 30_000 - now + 50));
    now = Date.now();
    step = Math.max(Math.floor(now / 30_000), (lastStep.get(secret) ?? -1) + 1);
  }
  lastStep.set(secret, step);
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: step * 30_000 });
}

/** First sign-in of an account: password, TOTP enrolment from the otpauth URI, verification. */
export async function signInAndEnrol(api: string, loginName: string, password: string): Promise<ApiSession> {
  const first = await post(`${api}/auth/signin`, { loginName, password });
  if (first.status !== 200 || first.body['status'] !== 'enrolment-required') throw new Error(`sign-in of a new account answered ${first.status} ${String(first.body['status'] ?? first.body['message'])}`);
  const pendingToken = first.body['pendingToken'] as string;
  const enrolment = await post(`${api}/auth/mfa/enrolment`, { pendingToken });
  const uri = OTPAuth.URI.parse(enrolment.body['otpauthUri'] as string);
  const totpSecret = uri.secret.base32;
  const verified = await post(`${api}/auth/mfa/enrolment/verify`, { pendingToken, code: await totpCode(totpSecret) });
  if (verified.status !== 200) throw new Error(`enrolment answered ${verified.status} ${String(verified.body['message'])}`);
  return {
    accessToken: verified.body['accessToken'] as string,
    refreshToken: verified.body['refreshToken'] as string,
    totpSecret,
    recoveryCodes: verified.body['recoveryCodes'] as string[],
  };
}

/** A later sign-in: password then a TOTP code from the enrolled secret. */
export async function signIn(api: string, loginName: string, password: string, totpSecret: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const first = await post(`${api}/auth/signin`, { loginName, password });
  if (first.status !== 200 || first.body['status'] !== 'mfa-required') return first;
  return post(`${api}/auth/mfa`, { pendingToken: first.body['pendingToken'], code: await totpCode(totpSecret) });
}

export { post as postJson };
