import { createHash } from 'node:crypto';
import type { SsoProviderName } from '@ferry/identity/domain';
import { type OidcRelyingParty, type ProviderAssertion, SsoRejectedError } from '@ferry/identity/application';

/** One scripted answer to `complete`: an assertion, or a refusal with its reason code. */
export type ScriptedOidcAnswer = { readonly assertion: ProviderAssertion } | { readonly reject: string };

/**
 * An OidcRelyingParty whose `complete` answers come from a script queued by the test. It records every
 * call (state, nonce, verifier) so tests can check what the use case passed, and builds a plausible
 * authorization URL (code flow, S256 challenge).
 */
export class ScriptedOidcRelyingParty implements OidcRelyingParty {
  readonly authorizationCalls: {
    provider: SsoProviderName;
    state: string;
    nonce: string;
    codeVerifier: string;
    tenantId: string | null;
    hostedDomain: string | null;
  }[] = [];
  readonly completeCalls: {
    provider: SsoProviderName;
    callbackUrl: string;
    state: string;
    nonce: string;
    codeVerifier: string;
    tenantId: string | null;
  }[] = [];
  private readonly script: ScriptedOidcAnswer[] = [];

  constructor(private readonly configured: ReadonlySet<SsoProviderName> = new Set(['entra', 'google'])) {}

  /** Queues the answer to the next `complete` call. */
  answer(next: ScriptedOidcAnswer): this {
    this.script.push(next);
    return this;
  }

  isConfigured(provider: SsoProviderName): boolean {
    return this.configured.has(provider);
  }

  async authorizationUrl(
    provider: SsoProviderName,
    params: {
      state: string;
      nonce: string;
      codeVerifier: string;
      tenantId: string | null;
      hostedDomain: string | null;
    },
  ): Promise<string> {
    this.authorizationCalls.push({ provider, ...params });
    const url = new URL(`https://idp.test/${provider}/${params.tenantId ?? 'common'}/authorize`);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('state', params.state);
    url.searchParams.set('nonce', params.nonce);
    url.searchParams.set(
      'code_challenge',
      createHash('sha256').update(params.codeVerifier).digest('base64url'),
    );
    url.searchParams.set('code_challenge_method', 'S256');
    if (params.hostedDomain) url.searchParams.set('hd', params.hostedDomain);
    return url.toString();
  }

  async complete(
    provider: SsoProviderName,
    callbackUrl: string,
    params: { state: string; nonce: string; codeVerifier: string; tenantId: string | null },
  ): Promise<ProviderAssertion> {
    this.completeCalls.push({ provider, callbackUrl, ...params });
    const next = this.script.shift();
    if (!next) throw new SsoRejectedError('no-scripted-answer');
    if ('reject' in next) throw new SsoRejectedError(next.reject);
    return next.assertion;
  }
}
