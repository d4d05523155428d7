import { randomBytes } from 'node:crypto';
import { Rpc, RpcErrorCode } from '@ferry/contracts';
import { RpcFailure } from '@ferry/platform/messaging';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { type Enrolled, signInAndEnrol } from './api-client.fixture';
import { BODY_LIMIT_BYTES, type IdentityService, startIdentityService } from './identity-service.fixture';

jest.setTimeout(120_000);

const API = '/api/v1';
const password = () => `pw-${randomBytes(12).toString('base64url')}`;
const ADMIN = { loginName: 'admin', password: password() };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('attacks on the identity service fail cleanly', () => {
  let svc: IdentityService;
  let orgId: string;
  let orgAdmin: Enrolled & { id: string };
  let platformAdmin: Enrolled;

  beforeAll(async () => {
    svc = await startIdentityService({ label: 'svc-attacks', bootstrapAdmin: ADMIN });
    platformAdmin = await signInAndEnrol(svc.client, ADMIN.loginName, ADMIN.password);
    const pw = password();
    const created = await svc.client.post(
      `${API}/orgs`,
      { name: 'Contoso', admin: { loginName: 'contoso-admin', displayName: 'IT Admin', password: pw } },
      platformAdmin.accessToken,
    );
    orgId = created.body['id'] as string;
    orgAdmin = {
      ...(await signInAndEnrol(svc.client, 'contoso-admin', pw)),
      id: (created.body['admin'] as { id: string }).id,
    };
  });
  afterAll(async () => {
    await svc?.close();
  });

  const post = (path: string, json: unknown, token?: string) => svc.client.post(`${API}${path}`, json, token);
  const accountsRoute = () => `${API}/orgs/${orgId}/accounts`;

  describe('forged and altered access tokens on an administration route', () => {
    /** Signs claims with identity's real current key: only the claim a test changes is wrong. */
    const forge = async (
      change: {
        claims?: JWTPayload;
        header?: Record<string, unknown>;
        issuedAgoS?: number;
        ttlS?: number;
      } = {},
    ) => {
      const key = await svc.signingKey();
      const base = decodeJwt(orgAdmin.accessToken);
      const iat = Math.floor(Date.now() / 1000) - (change.issuedAgoS ?? 0);
      const claims: JWTPayload = {
        ...base,
        iat,
        nbf: iat,
        exp: iat + (change.ttlS ?? 300),
        jti: randomBytes(16).toString('base64url'),
        ...change.claims,
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...change.header })
        .sign(await importJWK(key.privateJwk, 'ES256'));
    };
    const listWith = (token: string) => svc.client.get(accountsRoute(), token);
    const refusedOverNats = async (token: string) => {
      const err: unknown = await svc.peer
        .request(Rpc.identity.listAccounts, {
          orgId,
          caller: { accessToken: token, sourceAddress: '198.51.100.7', userAgent: 'x' },
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      return err instanceof RpcFailure ? err.code : 'accepted';
    };

    it('accepts a token forged with the real key and unchanged claims, so each refusal below is for the one claim changed', async () => {
      expect((await listWith(orgAdmin.accessToken)).status).toBe(200);
      expect((await listWith(await forge())).status).toBe(200);
    });

    it.each([
      ['expired two minutes ago (beyond the 30 s tolerance)', () => forge({ issuedAgoS: 420 })],
      [
        'not valid before ten minutes from now',
        () => forge({ claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }),
      ],
      ['for another audience', () => forge({ claims: { aud: 'ferry-console' } })],
      ['from another issuer', () => forge({ claims: { iss: 'urn:ferry:identity:elsewhere' } })],
      ['of another token type (an ID token)', () => forge({ header: { typ: 'JWT' } })],
      ['with an unknown kid', () => forge({ header: { kid: 'not-a-published-key' } })],
    ])('refuses a token %s with 401', async (_what, make) => {
      const token = await make();
      const res = await listWith(token);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.text).not.toContain(token);
      expect(await refusedOverNats(token)).toBe(RpcErrorCode.UNAUTHENTICATED);
    });

    it('refuses a genuine token whose payload was altered (roles, organisation) or whose signature was changed', async () => {
      const [header, payload = '', signature = ''] = orgAdmin.accessToken.split('.');
      const claims = decodeJwt(orgAdmin.accessToken);
      const altered = [
        `${header}.${b64({ ...claims, roles: ['org-admin', 'platform-admin'] })}.${signature}`,
        `${header}.${b64({ ...claims, exp: (claims.exp ?? 0) + 86_400 })}.${signature}`,
        `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
        `${header}.${payload}.`,
      ];
      for (const token of altered) {
        expect((await listWith(token)).status).toBe(401);
        expect(await refusedOverNats(token)).toBe(RpcErrorCode.UNAUTHENTICATED);
      }
    });

    it("refuses alg:none, HS256 keyed with the published public key, and a key of the attacker's own", async () => {
      const key = await svc.signingKey();
      const claims = { ...decodeJwt(orgAdmin.accessToken), roles: ['org-admin'] };
      const none = `${b64({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${b64(claims)}.`;
      const hs256 = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
        .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
      const own = await generateKeyPair('ES256');
      const ownKid = (await exportJWK(own.publicKey)).x ?? 'own';
      const foreign = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ownKid })
        .sign(own.privateKey);
      const sameKid = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
        .sign(own.privateKey);
      for (const token of [none, hs256, foreign, sameKid]) {
        const res = await listWith(token);
        expect(res.status).toBe(401);
        expect(await refusedOverNats(token)).toBe(RpcErrorCode.UNAUTHENTICATED);
        // A platform route too: no forged token makes anyone platform-admin.
        const forgedAdmin = token.replace(
          /\.[^.]*\./,
          `.${b64({ ...claims, org: undefined, roles: ['platform-admin'] })}.`,
        );
        expect(
          (
            await post(
              '/orgs',
              { name: 'Evil', admin: { loginName: 'evil', displayName: 'Evil', password: password() } },
              forgedAdmin,
            )
          ).status,
        ).toBe(401);
      }
      const orgs = await svc.identityTables();
      expect((orgs.get('organisations') ?? []).map((o) => o['name'])).toEqual(['Contoso']);
    });
  });

  describe('oversized and malformed bodies on /auth/signin', () => {
    it('refuses a body over the limit with 413 and keeps answering', async () => {
      const huge = JSON.stringify({ loginName: 'admin', password: 'x'.repeat(BODY_LIMIT_BYTES * 2) });
      const res = await svc.client.call('POST', `${API}/auth/signin`, { raw: huge });
      expect(res.status).toBe(413);
      expect(res.text.length).toBeLessThan(500);
      expect(
        (await post('/auth/signin', { loginName: 'nobody-here', password: 'wrong password' })).status,
      ).toBe(401);
    });

    it.each([
      ['truncated JSON', '{"loginName": "admin", "password": '],
      ['a JSON string', '"admin"'],
      ['JSON with a trailing comma', '{"loginName":"admin","password":"x",}'],
    ])('answers %s with 400 and never echoes it', async (_what, raw) => {
      const res = await svc.client.call('POST', `${API}/auth/signin`, { raw });
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('"admin"');
    });

    it('answers a body that is not JSON with 415, and extra or missing fields with 400 naming them', async () => {
      expect(
        (
          await svc.client.call('POST', `${API}/auth/signin`, {
            raw: 'loginName=admin',
            contentType: 'text/plain',
          })
        ).status,
      ).toBe(415);
      const extra = await post('/auth/signin', {
        loginName: 'admin',
        password: 'secret-value-1',
        admin: true,
      });
      expect(extra.status).toBe(400);
      expect(extra.text).not.toContain('secret-value-1');
      const missing = await post('/auth/signin', { loginName: 'admin' });
      expect(missing.status).toBe(400);
      expect((missing.body['violations'] as { field: string }[]).map((v) => v.field)).toContain('password');
    });
  });

  describe('SQL-special and Unicode look-alike login names', () => {
    const SQL_SPECIAL = [
      "' OR '1'='1",
      "admin'--",
      'x; DROP TABLE accounts',
      'admin" OR ""="',
      'admin\u0000',
    ];
    const CYRILLIC_ADMIN = '\u0430dmin'; // Cyrillic "а" + "dmin"
    const FULL_WIDTH_ADMIN = '\uff41\uff44\uff4d\uff49\uff4e'; // ａｄｍｉｎ

    it('answers sign-in with a malformed name with the same 400, whether or not it resembles an existing account', async () => {
      const answers = new Set<string>();
      for (const loginName of [...SQL_SPECIAL, CYRILLIC_ADMIN, 'n\u043ebody', "nobody'--"]) {
        const res = await post('/auth/signin', { loginName, password: 'any password at all' });
        expect({ loginName, status: res.status }).toEqual({ loginName, status: 400 });
        expect(res.text).not.toContain(loginName);
        answers.add(res.text);
      }
      expect([...answers]).toHaveLength(1);
      expect(JSON.parse([...answers][0] ?? '{}')).toMatchObject({
        violations: [{ field: 'loginName', reason: expect.stringContaining('a-z') as unknown }],
      });
    });

    it('answers a wrong password for an existing name and any password for an unknown name with the same 401', async () => {
      const existing = await post('/auth/signin', { loginName: 'admin', password: "' OR '1'='1" });
      const unknown = await post('/auth/signin', { loginName: 'nobody', password: "' OR '1'='1" });
      expect(existing.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(existing.text).toBe(unknown.text);
      expect(existing.headers['www-authenticate']).toBe(unknown.headers['www-authenticate']);
    });

    it('folds full-width letters to the existing account (NFKC): the right password signs in as that account', async () => {
      const wrong = await post('/auth/signin', { loginName: FULL_WIDTH_ADMIN, password: 'not the password' });
      expect(wrong.status).toBe(401);
      const res = await post('/auth/signin', { loginName: FULL_WIDTH_ADMIN, password: ADMIN.password });
      expect(res.body['status']).toBe('mfa-required');
      const done = await post('/auth/mfa', {
        pendingToken: res.body['pendingToken'],
        code: (await platformAdmin.authenticator.next()).code,
      });
      expect(done.status).toBe(200);
      expect(decodeJwt(done.body['accessToken'] as string).sub).toBe(
        decodeJwt(platformAdmin.accessToken).sub,
      );
    });

    it('refuses to create accounts with such names, giving the reason; a name that folds to an existing one is a conflict', async () => {
      const create = (loginName: string) =>
        post(
          `/orgs/${orgId}/accounts`,
          { loginName, displayName: 'Look-alike', password: password(), roles: ['viewer'] },
          orgAdmin.accessToken,
        );
      for (const loginName of [...SQL_SPECIAL, CYRILLIC_ADMIN]) {
        const res = await create(loginName);
        expect({ loginName, status: res.status }).toEqual({ loginName, status: 400 });
        expect(res.body['violations']).toEqual([
          { field: 'loginName', reason: expect.stringContaining('a-z') as unknown },
        ]);
        expect(res.text).not.toContain(loginName);
      }
      for (const loginName of [FULL_WIDTH_ADMIN, 'ADMIN', ' admin ']) {
        const res = await create(loginName);
        expect({ loginName, status: res.status }).toEqual({ loginName, status: 409 });
      }
    });

    it('stores SQL-special display names as plain data and leaves every table intact', async () => {
      const before = await svc.identityTables();
      const displayName = "Robert'); DROP TABLE accounts;--";
      const created = await post(
        `/orgs/${orgId}/accounts`,
        { loginName: 'bobby-tables', displayName, password: password(), roles: ['viewer'] },
        orgAdmin.accessToken,
      );
      expect(created.status).toBe(201);
      expect(created.body['displayName']).toBe(displayName);

      const after = await svc.identityTables();
      expect([...after.keys()]).toEqual([...before.keys()]);
      expect([...after.keys()]).toEqual(
        expect.arrayContaining([
          'accounts',
          'account_roles',
          'organisations',
          'sessions',
          'refresh_tokens',
          'signing_keys',
        ]),
      );
      const names = (after.get('accounts') ?? []).map((a) => a['login_name']).sort();
      expect(names).toEqual(['admin', 'bobby-tables', 'contoso-admin']);
      expect(
        (after.get('accounts') ?? []).find((a) => a['login_name'] === 'bobby-tables')?.['display_name'],
      ).toBe(displayName);
    });
  });
});
