import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CLOCK,
  Clock,
  IDENTITY_AUDIT_TRAIL,
  IdentityAuditTrail,
  KEYED_HASHER,
  KeyedHasher,
  OIDC_RELYING_PARTY,
  OidcRelyingParty,
  ORGANISATION_REPOSITORY,
  OrganisationRepository,
  SSO_TRANSACTION_REPOSITORY,
  SsoTransactionRepository,
} from '../identity.ports';
import { allowedFor } from './federated-account';
import { StartSsoCommand } from './start-sso.command';
import { ssoRefusal } from './sso-refusal';

/** How long a started flow may take to come back from the provider. */
export const SSO_TRANSACTION_TTL_MS = 10 * 60_000;

/** Where to send the browser, and the binding the gateway keeps in an HttpOnly cookie for the callback. */
export interface StartedSso {
  readonly authorizationUrl: string;
  readonly browserBinding: string;
  readonly expiresAt: Date;
}

/** 32 random bytes, base64url (43 characters): state, nonce, PKCE verifier and browser binding. */
function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Begins an OIDC sign-in: the organisation must exist and have the provider enabled, and the
 * installation must have that provider's client configured. Stores the flow under hashes of its
 * state and browser binding (the PKCE verifier is sealed by infra) for ten minutes. Every refusal
 * is SsoRejectedError, audited as auth.sso.failed.
 */
@Injectable()
export class StartSsoUseCase {
  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly orgs: OrganisationRepository,
    @Inject(SSO_TRANSACTION_REPOSITORY) private readonly transactions: SsoTransactionRepository,
    @Inject(OIDC_RELYING_PARTY) private readonly oidc: OidcRelyingParty,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: StartSsoCommand): Promise<StartedSso> {
    const { provider } = command;
    const refuse = async (orgId: string | null, reason: string) =>
      ssoRefusal(this.audit, { orgId, provider, reason, from: command.from });

    const org = await this.orgs.findById(command.orgId);
    if (!org) throw await refuse(null, 'unknown-organisation');
    const allowList = allowedFor(org, provider);
    if (allowList.length === 0) throw await refuse(org.id, 'provider-not-enabled');
    if (!this.oidc.isConfigured(provider)) throw await refuse(org.id, 'provider-not-configured');
    if (command.hint !== null && !allowList.includes(command.hint)) {
      throw await refuse(org.id, provider === 'entra' ? 'tenant-not-allowed' : 'hosted-domain-not-allowed');
    }
    // Entra needs one tenant to sign in to; Google's `hd` only narrows the account chooser, so it is
    // sent when it names the one domain the user can mean.
    const tenantId = provider === 'entra' ? (command.hint ?? allowList[0] ?? null) : null;
    const hostedDomain =
      provider === 'google'
        ? (command.hint ?? (allowList.length === 1 ? (allowList[0] ?? null) : null))
        : null;

    const state = randomToken();
    const nonce = randomToken();
    const codeVerifier = randomToken();
    const browserBinding = randomToken();
    const expiresAt = new Date(this.clock.now().getTime() + SSO_TRANSACTION_TTL_MS);
    const authorizationUrl = await this.oidc.authorizationUrl(provider, {
      state,
      nonce,
      codeVerifier,
      tenantId,
      hostedDomain,
    });
    await this.transactions.insert({
      stateHash: this.hasher.tokenHash(state),
      bindingHash: this.hasher.tokenHash(browserBinding),
      orgId: org.id,
      provider,
      tenantId,
      nonce,
      codeVerifier,
      expiresAt,
    });
    return { authorizationUrl, browserBinding, expiresAt };
  }
}
