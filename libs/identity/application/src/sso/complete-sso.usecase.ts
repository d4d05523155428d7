import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Account, Organisation, SsoProviderName } from '@ferry/identity/domain';
import type { RoleName } from '@ferry/platform/rbac';
import { applyRoleChange } from '../accounts/apply-role-change';
import { IDENTITY_SERVICE_ACTOR, recordBeforeCommit } from '../audit-records';
import type { CallerInfo } from '../caller';
import {
  ACCOUNT_REPOSITORY,
  AccountRepository,
  AlreadyExistsError,
  CLOCK,
  Clock,
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_UNIT_OF_WORK,
  IdentityAuditEntry,
  IdentityAuditTrail,
  type IdentityUnitOfWork,
  KEYED_HASHER,
  KeyedHasher,
  OIDC_RELYING_PARTY,
  OidcRelyingParty,
  ORGANISATION_REPOSITORY,
  OrganisationRepository,
  ProviderAssertion,
  SSO_TRANSACTION_REPOSITORY,
  SsoRejectedError,
  SsoTransactionRepository,
} from '../identity.ports';
import { IssuedTokens, SessionIssuer } from '../session-issuer';
import { CompleteSsoCommand } from './complete-sso.command';
import {
  allowedFor,
  federatedDisplayName,
  federatedLoginName,
  mappedRoles,
  principalDomainAllowed,
} from './federated-account';
import { ssoRefusal } from './sso-refusal';

/**
 * Finishes an OIDC sign-in. The flow is taken once (a second callback finds nothing), must come back
 * to the browser that started it, and the provider's answer must match the organisation's tenant or
 * hosted-domain allow-list, allowed domains and group mappings. The user is found by issuer +
 * immutable subject, never by email, and created on first sign-in; their roles follow the mapped
 * groups. The UPN/email is checked and then dropped: only its keyed pseudonym reaches the session.
 * Creating the account and changing its roles are each one unit of work with their records: if the
 * trail does not take them, nothing changes and the sign-in is refused.
 * Every refusal is SsoRejectedError with a reason code, audited as auth.sso.failed, anonymously.
 */
@Injectable()
export class CompleteSsoUseCase {
  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly orgs: OrganisationRepository,
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(SSO_TRANSACTION_REPOSITORY) private readonly transactions: SsoTransactionRepository,
    @Inject(OIDC_RELYING_PARTY) private readonly oidc: OidcRelyingParty,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SessionIssuer) private readonly issuer: SessionIssuer,
  ) {}

  async execute(command: CompleteSsoCommand): Promise<IssuedTokens> {
    const now = this.clock.now();
    let orgId: string | null = null;
    let provider: SsoProviderName | null = null;
    const refuse = (reason: string) =>
      ssoRefusal(this.audit, { orgId, provider, reason, from: command.from });

    const state = command.callbackUrl.searchParams.get('state');
    if (!state) throw await refuse('missing-state');
    const tx = await this.transactions.take(this.hasher.tokenHash(state), now);
    if (!tx) throw await refuse('unknown-state');
    orgId = tx.orgId;
    provider = tx.provider;
    // No cookie is refused like another browser's cookie: the flow is spent either way.
    if (
      command.browserBinding === '' ||
      !sameHash(this.hasher.tokenHash(command.browserBinding), tx.bindingHash)
    )
      throw await refuse('binding-mismatch');

    const org = await this.orgs.findById(tx.orgId);
    if (!org) throw await refuse('unknown-organisation');
    const allowList = allowedFor(org, tx.provider);
    if (allowList.length === 0) throw await refuse('provider-not-enabled');

    let assertion: ProviderAssertion;
    try {
      assertion = await this.oidc.complete(tx.provider, command.callbackUrl.toString(), {
        state,
        nonce: tx.nonce,
        codeVerifier: tx.codeVerifier,
        tenantId: tx.tenantId,
      });
    } catch (err) {
      const refusal = await refuse(err instanceof SsoRejectedError ? err.reason : 'provider-unavailable');
      throw err instanceof SsoRejectedError ? refusal : err;
    }

    if (tx.provider === 'entra' && !allowList.includes((assertion.tenantId ?? '').toLowerCase()))
      throw await refuse('tenant-not-allowed');
    if (tx.provider === 'google' && !allowList.includes((assertion.hostedDomain ?? '').toLowerCase()))
      throw await refuse('hosted-domain-not-allowed');
    if (!principalDomainAllowed(assertion.userPrincipal, org.sso.allowedDomains))
      throw await refuse('principal-domain-not-allowed');
    // The principal's last use: from here on only its pseudonym exists.
    const subjectPseudonym = this.hasher.pseudonym(assertion.userPrincipal.trim().toLowerCase());

    const roles = mappedRoles(org.sso.groupRoles, assertion.groups);
    if (roles.length === 0) throw await refuse('no-mapped-group');

    const found =
      (await this.accounts.findFederated(assertion.identity)) ??
      (await this.provision(org, tx.provider, assertion, roles, command.from));
    // One identity, one account: the same IdP user cannot also be a member of a second organisation.
    if (found.orgId !== org.id) throw await refuse('account-in-other-organisation');
    const account = await this.unitOfWork.run((work) =>
      applyRoleChange(
        { tx: work, audit: this.audit },
        {
          account: found,
          roles,
          actor: IDENTITY_SERVICE_ACTOR,
          from: command.from,
          now,
          detail: { source: 'sso' },
        },
      ),
    );

    return this.issuer.issueSignIn({
      account,
      amr: ['fed'],
      subjectPseudonym,
      now,
      from: command.from,
      detail: { provider: tx.provider },
    });
  }

  /**
   * Creates the account of a user signing in for the first time, with the mapped roles, and audits it
   * before it commits. If a concurrent first sign-in of the same user won the insert, that account is
   * used instead.
   */
  private async provision(
    org: Organisation,
    provider: SsoProviderName,
    assertion: ProviderAssertion,
    roles: readonly RoleName[],
    from: CallerInfo,
  ): Promise<Account> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const account: Account = {
        id: randomUUID(),
        orgId: org.id,
        loginName: federatedLoginName(provider),
        displayName: federatedDisplayName(assertion.displayName),
        email: null,
        realName: null,
        roles: [...roles],
        mfaEnrolled: false,
        federated: { issuer: assertion.identity.issuer, subject: assertion.identity.subject },
        createdAt: this.clock.now(),
      };
      try {
        return await this.unitOfWork.run(async (work) => {
          await work.accounts.insert(account, null);
          await recordBeforeCommit(this.audit, this.creationEntries(account, from, provider));
          return account;
        });
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
        const winner = await this.accounts.findFederated(assertion.identity);
        if (winner) return winner;
        // the random login name collided, not the identity: draw another
      }
    }
    throw new AlreadyExistsError('login name');
  }

  private creationEntries(
    account: Account,
    from: CallerInfo,
    provider: SsoProviderName,
  ): IdentityAuditEntry[] {
    const entry = (
      action: IdentityAuditEntry['action'],
      detail: Record<string, string>,
    ): IdentityAuditEntry => ({
      orgId: account.orgId,
      actor: IDENTITY_SERVICE_ACTOR,
      action,
      target: { type: 'account', id: account.id },
      outcome: 'success',
      sourceAddress: from.sourceAddress,
      userAgent: from.userAgent,
      detail,
    });
    return [
      entry('account.created', { provider }),
      ...account.roles.map((role) => entry('role.granted', { role, source: 'sso' })),
    ];
  }
}

/** Compares two hex hashes in constant time; different lengths never match. */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
