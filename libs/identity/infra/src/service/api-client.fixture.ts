import { randomBytes } from 'node:crypto';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import * as OTPAuth from 'otpauth';

/** One HTTP answer, its body parsed when it is JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

export interface RequestOptions {
  readonly json?: unknown;
  /** Sent as is, with `contentType` (default application/json). */
  readonly raw?: string | Buffer;
  readonly contentType?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/**
 * An HTTP client of the gateway bound to one local address, so tests can be callers from distinct
 * source addresses (the gateway trusts no X-Forwarded-For; every 127.0.0.0/8 address is loopback).
 */
export class ApiClient {
  private readonly agent: Agent;

  constructor(
    readonly origin: string,
    readonly localAddress = '127.0.0.1',
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, localAddress });
  }

  call(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const payload = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    const headers: Record<string, string> = { 'user-agent': 'ferry-service-test', ...options.headers };
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.origin), { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          if ((res.headers['content-type'] ?? '').includes('json') && text)
            body = JSON.parse(text) as Record<string, unknown>;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      });
      // A server that refuses an oversized body may close before reading it all.
      req.on('error', reject);
      req.end(payload);
    });
  }

  post(path: string, json: unknown, token?: string): Promise<ApiResponse> {
    return this.call('POST', path, { json, ...(token ? { token } : {}) });
  }

  get(path: string, token?: string): Promise<ApiResponse> {
    return this.call('GET', path, token ? { token } : {});
  }

  close(): void {
    this.agent.destroy();
  }
}

/** An authenticator app: codes from the enrolled secret, each for a fresh time step (a spent step is refused). */
export class Authenticator {
  private lastStep = -1;

  constructor(readonly secret: string) {}

  static fromUri(otpauthUri: string): Authenticator {
    const parsed = OTPAuth.URI.parse(otpauthUri);
    if (!(parsed instanceof OTPAuth.TOTP)) throw new Error('the otpauth URI is not a TOTP');
    return new Authenticator(parsed.secret.base32);
  }

  /** The code of an absolute 30 s time step. */
  codeAt(step: number): string {
    const totp = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(this.secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    return totp.generate({ timestamp: step * 30_000 });
  }

  /** The code for the next unspent step: the current one, or one ahead (the window allows it), else waits. */
  async next(): Promise<{ code: string; step: number }> {
    const current = () => Math.floor(Date.now() / 30_000);
    let step = Math.max(current(), this.lastStep + 1);
    if (step > current() + 1) {
      await new Promise((r) => setTimeout(r, (step - 1) * 30_000 - Date.now() + 100));
      step = Math.max(current(), this.lastStep + 1);
    }
    this.lastStep = step;
    return { code: this.codeAt(step), step };
  }
}

/** A signed-in account as the tests hold it. */
export interface SignedIn {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly sessionId: string;
}

export interface Enrolled extends SignedIn {
  readonly authenticator: Authenticator;
  readonly otpauthUri: string;
  readonly recoveryCodes: string[];
  readonly pendingToken: string;
}

const API = '/api/v1';

function expectStatus(what: string, res: ApiResponse, status: number): void {
  if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 300)}`);
}

function tokensOf(res: ApiResponse): SignedIn {
  const { accessToken, refreshToken, sessionId } = res.body as {
    accessToken?: string;
    refreshToken?: string;
    sessionId?: string;
  };
  if (!accessToken || !refreshToken || !sessionId) throw new Error('the answer carries no tokens');
  return { accessToken, refreshToken, sessionId };
}

/** First sign-in: password (enrolment-required), enrolment from the otpauth URI, verification. */
export async function signInAndEnrol(
  client: ApiClient,
  loginName: string,
  password: string,
): Promise<Enrolled> {
  const first = await client.post(`${API}/auth/signin`, { loginName, password });
  expectStatus('password step', first, 200);
  if (first.body['status'] !== 'enrolment-required')
    throw new Error(`expected enrolment-required, got ${String(first.body['status'])}`);
  const pendingToken = first.body['pendingToken'] as string;
  const enrolment = await client.post(`${API}/auth/mfa/enrolment`, { pendingToken });
  expectStatus('enrolment', enrolment, 200);
  const otpauthUri = enrolment.body['otpauthUri'] as string;
  const authenticator = Authenticator.fromUri(otpauthUri);
  const verified = await client.post(`${API}/auth/mfa/enrolment/verify`, {
    pendingToken,
    code: (await authenticator.next()).code,
  });
  expectStatus('enrolment verification', verified, 200);
  return {
    ...tokensOf(verified),
    authenticator,
    otpauthUri,
    recoveryCodes: verified.body['recoveryCodes'] as string[],
    pendingToken,
  };
}

/** A later sign-in: password (mfa-required), then the authenticator's next code. */
export async function signInWithTotp(
  client: ApiClient,
  loginName: string,
  password: string,
  authenticator: Authenticator,
): Promise<SignedIn & { pendingToken: string }> {
  const first = await client.post(`${API}/auth/signin`, { loginName, password });
  expectStatus('password step', first, 200);
  if (first.body['status'] !== 'mfa-required')
    throw new Error(`expected mfa-required, got ${String(first.body['status'])}`);
  const pendingToken = first.body['pendingToken'] as string;
  const done = await client.post(`${API}/auth/mfa`, {
    pendingToken,
    code: (await authenticator.next()).code,
  });
  expectStatus('TOTP step', done, 200);
  return { ...tokensOf(done), pendingToken };
}

const freshPassword = () => `pw-${randomBytes(12).toString('base64url')}`;

/** A new organisation, created by a platform admin, and its first admin signed in (TOTP enrolled). */
export async function orgWithAdmin(
  client: ApiClient,
  platformAdminToken: string,
  name: string,
): Promise<{ orgId: string; orgAdmin: Enrolled }> {
  const adminLogin = { loginName: `admin-${randomBytes(4).toString('hex')}`, password: freshPassword() };
  const org = await client.post(
    `${API}/orgs`,
    { name, admin: { ...adminLogin, displayName: 'Admin' } },
    platformAdminToken,
  );
  expectStatus('organisation creation', org, 201);
  const orgAdmin = await signInAndEnrol(client, adminLogin.loginName, adminLogin.password);
  return { orgId: org.body['id'] as string, orgAdmin };
}

/** A new viewer of `orgId`, created by its admin, with TOTP, recovery codes and a live session. */
export async function enrolledViewer(
  client: ApiClient,
  orgId: string,
  orgAdminToken: string,
): Promise<{ id: string; session: Enrolled }> {
  const login = { loginName: `member-${randomBytes(4).toString('hex')}`, password: freshPassword() };
  const member = await client.post(
    `${API}/orgs/${orgId}/accounts`,
    { ...login, displayName: 'Member', roles: ['viewer'] },
    orgAdminToken,
  );
  expectStatus('account creation', member, 201);
  const session = await signInAndEnrol(client, login.loginName, login.password);
  return { id: member.body['id'] as string, session };
}
