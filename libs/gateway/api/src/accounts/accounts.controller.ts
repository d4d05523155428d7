import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Req, UseFilters, UseGuards } from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { AccessGuard, BearerToken, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request } from 'express';
import { callerOf } from '../common/caller';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { accountView, CreateAccountBody, OrgRoleName, roleFromName } from './account.dto';

const accountId = new ParseUUIDPipe({ version: undefined });
class RolePipe {
  transform(value: string): OrgRoleName {
    const parsed = OrgRoleName.safeParse(value);
    if (!parsed.success) throw new BadRequestException('role must be one of org-admin, migration-operator, auditor, viewer');
    return parsed.data;
  }
}

/** /api/v1/orgs/{org}/accounts — accounts, roles, sessions and MFA resets of one organisation. */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs/:org/accounts')
export class AccountsController {
  constructor(private readonly messaging: MessagingClient) {}

  @RequirePermission('accounts.read')
  @Get()
  async list(@Param('org', OrgIdPipe) org: string, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.listAccounts, { orgId: org, caller: callerOf(req, token) });
    return { items: r.accounts.map(accountView) };
  }

  @RequirePermission('accounts.manage')
  @Post()
  @HttpCode(201)
  async create(@Param('org', OrgIdPipe) org: string, @Body(new ZodBodyPipe(CreateAccountBody)) body: CreateAccountBody, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.createAccount, {
      orgId: org,
      loginName: body.loginName,
      displayName: body.displayName,
      email: body.email ?? '',
      realName: body.realName ?? '',
      password: body.password,
      roles: body.roles.map(roleFromName),
      caller: callerOf(req, token),
    });
    return accountView(r.account);
  }

  @RequirePermission('roles.manage')
  @Put(':account/roles/:role')
  async grant(@Param('org', OrgIdPipe) org: string, @Param('account', accountId) account: string, @Param('role', RolePipe) role: OrgRoleName, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.grantRole, { orgId: org, accountId: account, role: roleFromName(role), caller: callerOf(req, token) });
    return accountView(r.account);
  }

  @RequirePermission('roles.manage')
  @Delete(':account/roles/:role')
  async revoke(@Param('org', OrgIdPipe) org: string, @Param('account', accountId) account: string, @Param('role', RolePipe) role: OrgRoleName, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.revokeRole, { orgId: org, accountId: account, role: roleFromName(role), caller: callerOf(req, token) });
    return accountView(r.account);
  }

  @RequirePermission('sessions.revoke')
  @Delete(':account/sessions')
  async revokeSessions(@Param('org', OrgIdPipe) org: string, @Param('account', accountId) account: string, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.revokeSessions, { orgId: org, accountId: account, caller: callerOf(req, token) });
    return { sessionsRevoked: r.sessionsRevoked };
  }

  @RequirePermission('mfa.reset')
  @Delete(':account/mfa')
  async resetMfa(@Param('org', OrgIdPipe) org: string, @Param('account', accountId) account: string, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.resetMfa, { orgId: org, accountId: account, caller: callerOf(req, token) });
    return { sessionsRevoked: r.sessionsRevoked };
  }
}
