import { RpcErrorCode } from '@ferry/contracts';
import { RpcException } from '@ferry/platform/messaging';
import { AccessTokenVerifier } from './access-token.verifier';
import { authenticateCall, authorizeCall } from './authorize-call';
import { KeySourceUnavailableError } from './errors';
import {
  claims,
  ISSUER,
  ORG_A,
  ORG_B,
  type SigningKey,
  signingKey,
  signToken,
  staticSource,
  withPayload,
} from './testing/token-fixtures';

describe('authorizeCall', () => {
  let key: SigningKey;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    key = await signingKey('k1');
    verifier = new AccessTokenVerifier(staticSource(key), { issuer: ISSUER });
  });

  const codeOf = async (call: Promise<unknown>): Promise<RpcErrorCode | 'ok'> => {
    try {
      await call;
      return 'ok';
    } catch (err) {
      if (err instanceof RpcException) return err.code;
      throw err;
    }
  };

  it('authenticateCall accepts any valid token, whatever its roles, and refuses a missing or forged one', async () => {
    const token = await signToken(key, { payload: claims({ roles: ['viewer'] }) });
    await expect(authenticateCall(verifier, token)).resolves.toMatchObject({ accountId: 'acc-1', roles: ['viewer'] });
    expect(await codeOf(authenticateCall(verifier, ''))).toBe(RpcErrorCode.UNAUTHENTICATED);
    expect(await codeOf(authenticateCall(verifier, `${token.slice(0, -4)}AAAA`))).toBe(RpcErrorCode.UNAUTHENTICATED);
  });

  it('returns the claims when the role grants the permission in the requested organisation', async () => {
    const token = await signToken(key, { payload: claims({ roles: ['migration-operator'] }) });
    await expect(authorizeCall(verifier, token, 'migration.run', ORG_A.toUpperCase())).resolves.toMatchObject(
      { accountId: 'acc-1', orgId: ORG_A },
    );
  });

  it('answers UNAUTHENTICATED when there is no token', async () => {
    expect(await codeOf(authorizeCall(verifier, '', 'org.read', ORG_A))).toBe(RpcErrorCode.UNAUTHENTICATED);
  });

  it('answers UNAUTHENTICATED for a tampered token, without echoing it', async () => {
    const forged = withPayload(await signToken(key), claims({ roles: ['platform-admin'] }));
    const error = (await authorizeCall(verifier, forged, 'org.read', ORG_A).catch(
      (e: unknown) => e,
    )) as RpcException;
    expect(error.code).toBe(RpcErrorCode.UNAUTHENTICATED);
    expect(error.message).not.toContain(forged.split('.')[1]);
  });

  it("answers NOT_FOUND for another organisation's objects, even with the permission", async () => {
    const token = await signToken(key);
    expect(await codeOf(authorizeCall(verifier, token, 'org.read', ORG_B))).toBe(RpcErrorCode.NOT_FOUND);
  });

  it('answers NOT_FOUND when a platform account asks for an organisation permission', async () => {
    const token = await signToken(key, { payload: claims({ org: undefined, roles: ['platform-admin'] }) });
    expect(await codeOf(authorizeCall(verifier, token, 'audit.read', ORG_A))).toBe(RpcErrorCode.NOT_FOUND);
  });

  it('answers PERMISSION_DENIED when the roles lack the permission', async () => {
    const token = await signToken(key, { payload: claims({ roles: ['viewer'] }) });
    expect(await codeOf(authorizeCall(verifier, token, 'migration.run', ORG_A))).toBe(
      RpcErrorCode.PERMISSION_DENIED,
    );
  });

  it('checks the permission alone when the request names no organisation', async () => {
    const token = await signToken(key, { payload: claims({ roles: ['auditor'] }) });
    expect(await codeOf(authorizeCall(verifier, token, 'audit.read', null))).toBe('ok');
    expect(await codeOf(authorizeCall(verifier, token, 'accounts.manage', null))).toBe(
      RpcErrorCode.PERMISSION_DENIED,
    );
  });

  it('lets a platform admin use platform permissions without an organisation match', async () => {
    const token = await signToken(key, { payload: claims({ org: undefined, roles: ['platform-admin'] }) });
    expect(await codeOf(authorizeCall(verifier, token, 'platform.orgs.manage', ORG_B))).toBe('ok');
  });

  it('denies platform permissions to organisation roles', async () => {
    expect(await codeOf(authorizeCall(verifier, await signToken(key), 'platform.orgs.manage', null))).toBe(
      RpcErrorCode.PERMISSION_DENIED,
    );
  });

  it('answers UNAVAILABLE when the signing keys cannot be obtained', async () => {
    const down = new AccessTokenVerifier(
      { getKey: () => Promise.reject(new KeySourceUnavailableError()) },
      { issuer: ISSUER },
    );
    expect(await codeOf(authorizeCall(down, await signToken(key), 'org.read', ORG_A))).toBe(
      RpcErrorCode.UNAVAILABLE,
    );
  });
});
