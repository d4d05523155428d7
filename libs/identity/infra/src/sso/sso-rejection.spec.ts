import { SsoRejectedError } from '@ferry/identity/application';
import { reject, rejectionReason } from './sso-rejection';

/** Shaped as openid-client 6 throws them: a coded ClientError around oauth4webapi's error and its detail. */
const clientError = (code: string, detail: Record<string, unknown>) =>
  Object.assign(new Error('wrapped'), {
    code,
    cause: Object.assign(new Error('inner'), { code, cause: detail }),
  });

describe('rejectionReason', () => {
  it('names the failed ID token claim comparison', () => {
    expect(rejectionReason(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', { claim: 'iss' }))).toBe(
      'issuer',
    );
    expect(rejectionReason(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', { claim: 'aud' }))).toBe(
      'audience',
    );
    expect(rejectionReason(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', { claim: 'azp' }))).toBe(
      'audience',
    );
    expect(rejectionReason(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', { claim: 'nonce' }))).toBe(
      'nonce-mismatch',
    );
    expect(rejectionReason(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', { claim: 'c_hash' }))).toBe(
      'claims',
    );
  });

  it('calls an expired ID token expired, and other timestamp failures bad claims', () => {
    expect(rejectionReason(clientError('OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { claim: 'exp' }))).toBe(
      'expired',
    );
    expect(rejectionReason(clientError('OAUTH_JWT_TIMESTAMP_CHECK_FAILED', { claim: 'nbf' }))).toBe('claims');
  });

  it('calls a bad signature, an unknown key and a refused alg a signature failure', () => {
    expect(
      rejectionReason(
        clientError('OAUTH_INVALID_RESPONSE', {
          key: {},
          data: new Uint8Array(),
          signature: new Uint8Array(),
        }),
      ),
    ).toBe('signature');
    expect(rejectionReason(clientError('OAUTH_KEY_SELECTION_FAILED', { header: { kid: 'x' } }))).toBe(
      'signature',
    );
    expect(
      rejectionReason(clientError('OAUTH_INVALID_RESPONSE', { header: { alg: 'HS256' }, expected: 'RS256' })),
    ).toBe('signature');
    expect(rejectionReason(clientError('OAUTH_UNSUPPORTED_OPERATION', { alg: 'none' }))).toBe('signature');
  });

  it('calls a missing claim bad claims and any other invalid response a failed exchange', () => {
    expect(rejectionReason(clientError('OAUTH_INVALID_RESPONSE', { claims: {} }))).toBe('claims');
    expect(rejectionReason(clientError('OAUTH_INVALID_RESPONSE', { body: {} }))).toBe('token-exchange');
  });

  it('calls a token endpoint error, a network failure and anything unknown a failed exchange', () => {
    expect(
      rejectionReason(
        Object.assign(new Error('x'), { code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'invalid_grant' }),
      ),
    ).toBe('token-exchange');
    expect(rejectionReason(new TypeError('fetch failed'))).toBe('token-exchange');
    expect(rejectionReason('a string')).toBe('token-exchange');
  });

  it('calls an error authorization response an IdP error and keeps a reason already given', () => {
    expect(
      rejectionReason(Object.assign(new Error('x'), { code: 'OAUTH_AUTHORIZATION_RESPONSE_ERROR' })),
    ).toBe('idp-error');
    expect(rejectionReason(new SsoRejectedError('tenant'))).toBe('tenant');
  });

  it('calls a discovery document for another issuer an issuer failure', () => {
    expect(
      rejectionReason(clientError('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED', { attribute: 'issuer' })),
    ).toBe('issuer');
  });
});

describe('reject', () => {
  it('throws the port error carrying only the reason code', () => {
    expect(() => reject('state-mismatch')).toThrow(new SsoRejectedError('state-mismatch'));
    expect(() => reject('state-mismatch')).toThrow('single sign-on refused: state-mismatch');
  });
});
