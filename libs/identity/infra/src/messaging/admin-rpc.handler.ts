import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  AccountActionCommand,
  CreateAccountCommand,
  CreateAccountUseCase,
  CreateOrganisationCommand,
  CreateOrganisationUseCase,
  GrantRoleUseCase,
  ListAccountsUseCase,
  ResetMfaUseCase,
  RevokeRoleUseCase,
  RevokeSessionsUseCase,
  RoleChangeCommand,
  UpdateOrganisationCommand,
  UpdateOrganisationUseCase,
  UpdateSsoSettingsCommand,
  UpdateSsoSettingsUseCase,
} from '@ferry/identity/application';
import { Rpc } from '@ferry/contracts';
import { AccessTokenVerifier, authorizeCall } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import { accountMessage, organisationMessage, roleName, ssoSettingsMessage } from './identity-messages';
import { answering } from './rpc-errors';

type Caller = { accessToken: string; sourceAddress: string; userAgent: string } | undefined;
const from = (caller: Caller) => ({ sourceAddress: caller?.sourceAddress ?? '', userAgent: caller?.userAgent ?? '' });

/**
 * Serves the administration subjects. Each verifies the caller's token and permission itself (the
 * gateway did too), then hands the verified claims to the use case, which scopes every lookup by them.
 */
@Injectable()
export class AdminRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Inject(CreateOrganisationUseCase) private readonly createOrganisation: CreateOrganisationUseCase,
    @Inject(CreateAccountUseCase) private readonly createAccount: CreateAccountUseCase,
    @Inject(ListAccountsUseCase) private readonly listAccounts: ListAccountsUseCase,
    @Inject(GrantRoleUseCase) private readonly grantRole: GrantRoleUseCase,
    @Inject(RevokeRoleUseCase) private readonly revokeRole: RevokeRoleUseCase,
    @Inject(RevokeSessionsUseCase) private readonly revokeSessions: RevokeSessionsUseCase,
    @Inject(ResetMfaUseCase) private readonly resetMfa: ResetMfaUseCase,
    @Inject(UpdateSsoSettingsUseCase) private readonly updateSso: UpdateSsoSettingsUseCase,
    @Inject(UpdateOrganisationUseCase) private readonly updateOrganisation: UpdateOrganisationUseCase,
  ) {}

  onApplicationBootstrap(): void {
    const m = this.messaging;
    const authorize = (caller: Caller, permission: Parameters<typeof authorizeCall>[2], orgId: string | null) =>
      authorizeCall(this.verifier, caller?.accessToken ?? '', permission, orgId === null ? null : orgId.toLowerCase());

    void m.serve(Rpc.identity.createOrganisation, (req) =>
      answering(async () => {
        const caller = await authorize(req.caller, 'platform.orgs.manage', null);
        const created = await this.createOrganisation.execute(
          CreateOrganisationCommand.create({ caller, name: req.name, admin: { loginName: req.adminLoginName, displayName: req.adminDisplayName, email: req.adminEmail || null, realName: req.adminRealName || null, password: req.adminPassword }, ...from(req.caller) }),
        );
        return { organisation: organisationMessage(created.organisation), admin: accountMessage(created.admin) };
      }),
    );
    void m.serve(Rpc.identity.updateOrganisation, (req) =>
      answering(async () => {
        const caller = await authorize(req.caller, 'org.manage', req.orgId);
        const org = await this.updateOrganisation.execute(UpdateOrganisationCommand.create({ caller, orgId: req.orgId, mfaRequired: req.mfaRequired, ...from(req.caller) }));
        return { organisation: organisationMessage(org) };
      }),
    );
    void m.serve(Rpc.identity.createAccount, (req) =>
      answering(async () => {
        const caller = await authorize(req.caller, 'accounts.manage', req.orgId);
        const account = await this.createAccount.execute(
          CreateAccountCommand.create({
            caller,
            orgId: req.orgId,
            loginName: req.loginName,
            displayName: req.displayName,
            email: req.email || null,
            realName: req.realName || null,
            roles: req.roles.map(roleName),
            password: req.password,
            ...from(req.caller),
          }),
        );
        return { account: accountMessage(account) };
      }),
    );
    void m.serve(Rpc.identity.listAccounts, (req) =>
      answering(async () => {
        const caller = await authorize(req.caller, 'accounts.read', req.orgId);
        return { accounts: (await this.listAccounts.execute(caller, req.orgId.toLowerCase())).map(accountMessage) };
      }),
    );
    for (const [contract, useCase] of [
      [Rpc.identity.grantRole, this.grantRole],
      [Rpc.identity.revokeRole, this.revokeRole],
    ] as const) {
      void m.serve(contract, (req) =>
        answering(async () => {
          const caller = await authorize(req.caller, 'roles.manage', req.orgId);
          const account = await useCase.execute(RoleChangeCommand.create({ caller, orgId: req.orgId, accountId: req.accountId, role: roleName(req.role), ...from(req.caller) }));
          return { account: accountMessage(account) };
        }),
      );
    }
    void m.serve(Rpc.identity.revokeSessions, (req) =>
      answering(async () => {
        const caller = await authorize(req.caller, 'sessions.revoke', req.orgId);
        return this.revokeSessions.execute(AccountActionCommand.create({ caller, orgId: req.orgId, accountId: req.accountId, ...from(req.caller) }));
      }),
    );
    void m.serve(Rpc.identity.resetMfa, (req) =>
      answering(async () => {
        const caller = await authorize(req.caller, 'mfa.reset', req.orgId);
        return this.resetMfa.execute(AccountActionCommand.create({ caller, orgId: req.orgId, accountId: req.accountId, ...from(req.caller) }));
      }),
    );
    void m.serve(Rpc.identity.updateSso, (req) =>
      answering(async () => {
        const caller = await authorize(req.caller, 'org.manage', req.orgId);
        const s = req.settings;
        const stored = await this.updateSso.execute(
          UpdateSsoSettingsCommand.create({
            caller,
            orgId: req.orgId,
            settings: {
              entraTenantIds: s?.entraTenantIds ?? [],
              googleHostedDomains: s?.googleHostedDomains ?? [],
              allowedDomains: s?.allowedDomains ?? [],
              groupRoles: (s?.groupRoles ?? []).map((g) => ({ group: g.group, role: roleName(g.role) })),
            },
            ...from(req.caller),
          }),
        );
        return { settings: ssoSettingsMessage(stored) };
      }),
    );
  }
}
