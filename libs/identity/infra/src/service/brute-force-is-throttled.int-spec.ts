import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { HmacKeyedHasher } from '../credentials/hmac-keyed-hasher.adapter';
import { type ApiResponse, type Enrolled, signInAndEnrol, signInWithTotp } from './api-client.fixture';
import { type IdentityService, startIdentityService } from './identity-service.fixture';

// The flood alone is 10,000 requests; the lockout waits out the growing delays (1+2+4+8+16 s).
jest.setTimeout(240_000);

const API = '/api/v1';
const password = () => `pw-${randomBytes(12).toString('base64url')}`;
const ADMIN = { loginName: 'root-admin', password: password() };
const ATTACKER = '127.0.0.66';
const ATTEMPTS = 10_000;
const IN_FLIGHT = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `attempt(i)` for i < total with at most `concurrency` in flight. */
async function bounded(
  total: number,
  concurrency: number,
  attempt: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await attempt(i);
    }),
  );
}

describe('brute-force sign-in is throttled without revealing which accounts exist', () => {
  let svc: IdentityService;
  let orgId: string;
  let orgAdmin: Enrolled;
  const pseudonyms = () => new HmacKeyedHasher(svc.pseudonymKey);

  beforeAll(async () => {
    svc = await startIdentityService({ label: 'svc-bruteforce', bootstrapAdmin: ADMIN });
    const platformAdmin = await signInAndEnrol(svc.client, ADMIN.loginName, ADMIN.password);
    const pw = password();
    const created = await svc.client.post(
      `${API}/orgs`,
      { name: 'Contoso', admin: { loginName: 'contoso-admin', displayName: 'IT Admin', password: pw } },
      platformAdmin.accessToken,
    );
    orgId = created.body['id'] as string;
    orgAdmin = await signInAndEnrol(svc.client, 'contoso-admin', pw);
  });
  afterAll(async () => {
    await svc?.close();
  });

  const createAccount = async (loginName: string) => {
    const pw = password();
    const res = await svc.client.post(
      `${API}/orgs/${orgId}/accounts`,
      { loginName, displayName: 'Operator', password: pw, roles: ['migration-operator'] },
      orgAdmin.accessToken,
    );
    if (res.status !== 201) throw new Error(`creating ${loginName} answered ${res.status}`);
    return { loginName, password: pw, id: res.body['id'] as string };
  };

  it('throttles 10,000 rapid failures from one address early, hashing few of them, while another account signs in promptly from elsewhere', async () => {
    const victim = await createAccount('victim');
    const legit = await Promise.all(
      ['early', 'legit-1', 'legit-2', 'legit-3'].map(async (n) => {
        const a = await createAccount(n);
        return { ...a, enrolled: await signInAndEnrol(svc.client, a.loginName, a.password) };
      }),
    );
    const ghost = 'ghost-operator'; // never created: attacked exactly as often as the victim
    const attacker = svc.clientFrom(ATTACKER, IN_FLIGHT);
    const answers = {
      victim: new Map<string, number>(),
      ghost: new Map<string, number>(),
      random: new Map<string, number>(),
    };
    const statuses = new Map<number, number>();
    let missingRetryAfter = 0;
    let firstThrottled = -1;
    let firstBlocked = -1;
    let busy = 0;
    const legitRuns: Promise<{ at: number; ms: number; status: string }>[] = [];
    // #120: while the attacker's attempts still fill their hashing queue; then three points after
    // the source block took hold.
    const legitAt = new Map([
      [120, 0],
      [1_000, 1],
      [4_000, 2],
      [8_000, 3],
    ]);

    const started = performance.now();
    await bounded(ATTEMPTS, IN_FLIGHT, async (i) => {
      const who = legitAt.get(i);
      if (who !== undefined) {
        const l = legit[who];
        if (l) {
          legitRuns.push(
            (async () => {
              const t = performance.now();
              try {
                const s = await signInWithTotp(svc.client, l.loginName, l.password, l.enrolled.authenticator);
                return {
                  at: i,
                  ms: performance.now() - t,
                  status: decodeJwt(s.accessToken).sub === l.id ? 'signed-in' : 'wrong account',
                };
              } catch (err) {
                return { at: i, ms: performance.now() - t, status: (err as Error).message };
              }
            })(),
          );
        }
      }
      const kind = i % 25 === 0 ? 'victim' : i % 25 === 1 ? 'ghost' : 'random';
      const loginName =
        kind === 'victim'
          ? victim.loginName
          : kind === 'ghost'
            ? ghost
            : `user-${randomBytes(6).toString('hex')}`;
      const res: ApiResponse = await attacker.post(`${API}/auth/signin`, {
        loginName,
        password: `guess-${randomBytes(9).toString('base64url')}`,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429 && firstThrottled < 0) firstThrottled = i;
      // Retry-after 1 s: the source's hashing queue was full; the source block says ~900 s.
      if (res.status === 429 && res.headers['retry-after'] === '1') busy += 1;
      if (res.status === 429 && Number(res.headers['retry-after']) > 800 && firstBlocked < 0)
        firstBlocked = i;
      if (res.status === 429 && !/^\d+$/.test(String(res.headers['retry-after'] ?? '')))
        missingRetryAfter += 1;
      const seen = answers[kind];
      const key = `${res.status} ${res.text}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    });
    const elapsedS = (performance.now() - started) / 1000;
    const [early, ...legitResults] = (await Promise.all(legitRuns)).sort((a, b) => a.at - b.at);

    const unauthenticated = statuses.get(401) ?? 0;
    const throttled = statuses.get(429) ?? 0;
    console.log(
      `flood: ${ATTEMPTS} attempts in ${elapsedS.toFixed(1)} s, ${unauthenticated} hashed (401), ${throttled} throttled (429: ${busy} queue full, ${throttled - busy} blocked), first 429 at #${firstThrottled}, source blocked from #${firstBlocked}; ` +
        `legitimate sign-ins (password + TOTP) from another address: ${[early, ...legitResults].map((r) => `#${r?.at}: ${r?.ms.toFixed(0)} ms ${r?.status === 'signed-in' ? 'ok' : r?.status}`).join(', ')}`,
    );
    // Throttled early: the source is blocked after 100 counted failures (plus those already in flight).
    expect([...statuses.keys()].sort()).toEqual([401, 429]);
    expect(unauthenticated).toBeGreaterThanOrEqual(100);
    expect(unauthenticated).toBeLessThanOrEqual(100 + IN_FLIGHT + 10);
    expect(throttled).toBe(ATTEMPTS - unauthenticated);
    expect(missingRetryAfter).toBe(0);
    // Hashing every attempt would take ATTEMPTS x ~50 ms / 2 lanes, well over the bound.
    expect(elapsedS).toBeLessThan(120);

    // Each counted failure paid one argon2 verification and was audited; throttled attempts did neither.
    const events = await svc.auditEvents();
    const fromAttacker = events.filter((e) => e.sourceAddress === ATTACKER);
    expect(fromAttacker.filter((e) => e.action === 'auth.signin.failed')).toHaveLength(unauthenticated);
    const blocks = events.filter((e) => e.action === 'auth.throttle.source');
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({
      sourceAddress: ATTACKER,
      target: { type: 'source', id: pseudonyms().pseudonym(`source:${ATTACKER}`) },
      detail: { failures: '100' },
    });

    // No enumeration: the existing account's answers are the unknown names' answers.
    const kinds = (m: Map<string, number>) => [...m.keys()].sort();
    expect(kinds(answers.victim)).toEqual(kinds(answers.ghost));
    expect(kinds(answers.victim).every((k) => answers.random.has(k))).toBe(true);
    expect(kinds(answers.random)).toHaveLength(2);

    // The legitimate user, signing in from another address during the flood, is not shut out: the
    // hashing queue serves addresses in turn and holds at most 2 of the attacker's attempts, so the
    // sign-in completes. Before the fair queue it timed out at the gateway (503 after 5 s). Its
    // latency is printed above, not asserted tightly: the int tier runs projects in parallel on a
    // 2-core machine, so the gateway's 5 s RPC timeout per step is the bound that matters.
    const probes = [early, ...legitResults];
    expect(probes.map((r) => r?.status)).toEqual(['signed-in', 'signed-in', 'signed-in', 'signed-in']);
    for (const r of probes) expect(r?.ms).toBeLessThan(10_000);

    // The blocked address stays blocked, even with a right password; other addresses are not.
    const l = legit[0];
    if (!l) throw new Error('no legitimate account');
    const fromAttackerRight = await attacker.post(`${API}/auth/signin`, {
      loginName: l.loginName,
      password: l.password,
    });
    expect(fromAttackerRight.status).toBe(429);
    expect(Number(fromAttackerRight.headers['retry-after'])).toBeGreaterThan(800);
    expect(
      (await svc.client.post(`${API}/auth/signin`, { loginName: l.loginName, password: l.password })).body[
        'status'
      ],
    ).toBe('mfa-required');
  });

  it('delays, then locks for 15 minutes a login name attacked from many addresses, existing or not, and audits the lock once', async () => {
    const target = await createAccount('locked-target');
    const ghost = 'locked-ghost';
    let address = 10;
    // A distributed attacker: every attempt from a fresh address, so only the per-account throttle applies.
    const attack = async (loginName: string) => {
      const steps: string[] = [];
      const waits: number[] = [];
      let failures = 0;
      while (failures < 10) {
        const from = svc.clientFrom(`127.0.1.${address++}`, 1);
        const res = await from.post(`${API}/auth/signin`, {
          loginName,
          password: `guess-${randomBytes(9).toString('base64url')}`,
        });
        from.close();
        steps.push(String(res.status));
        if (res.status === 401) failures += 1;
        else if (res.status === 429) {
          const wait = Number(res.headers['retry-after']);
          waits.push(wait);
          await sleep(wait * 1000 + 100);
        } else throw new Error(`unexpected ${res.status}`);
      }
      const locked = await svc
        .clientFrom(`127.0.1.${address++}`, 1)
        .post(`${API}/auth/signin`, { loginName, password: 'any password' });
      steps.push(String(locked.status));
      waits.push(Number(locked.headers['retry-after']));
      return { steps, waits };
    };
    const [existing, unknown] = await Promise.all([attack(target.loginName), attack(ghost)]);
    // Five free failures, then each retry waits 2^(n-5) s (the retry right after a failure is told how
    // long), and the tenth failure locks the name for 15 minutes.
    const statuses = [
      '401',
      '401',
      '401',
      '401',
      '401',
      ...Array<string[]>(5).fill(['429', '401']).flat(),
      '429',
    ];
    expect(existing.steps).toEqual(statuses);
    expect(unknown.steps).toEqual(statuses);
    for (const { waits } of [existing, unknown]) {
      [1, 2, 4, 8, 16, 900].forEach((seconds, i) => {
        expect(waits[i]).toBeLessThanOrEqual(seconds);
        expect(waits[i]).toBeGreaterThanOrEqual(seconds === 1 ? 1 : seconds - 1);
      });
    }

    // Even the right password is refused while locked, before hashing.
    const right = await svc
      .clientFrom('127.0.2.1', 1)
      .post(`${API}/auth/signin`, { loginName: target.loginName, password: target.password });
    expect(right.status).toBe(429);

    const locks = (await svc.auditEvents()).filter((e) => e.action === 'auth.lockout.account');
    const h = pseudonyms();
    for (const name of [target.loginName, ghost]) {
      const forName = locks.filter((e) => e.target?.id === h.pseudonym(`login:${name}`));
      expect(forName).toHaveLength(1);
      expect(forName[0]?.detail).toEqual({ failures: '10', lockedForSeconds: '900' });
    }
    // The lock is the account's alone: another account signs in.
    const other = await createAccount('unaffected');
    expect(
      (await svc.client.post(`${API}/auth/signin`, { loginName: other.loginName, password: other.password }))
        .body['status'],
    ).toBe('enrolment-required');
  });
});
