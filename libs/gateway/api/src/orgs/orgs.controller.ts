import { Body, Controller, HttpCode, Param, Patch, Post, Put, Req, UseFilters, UseGuards } from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { AccessGuard, BearerToken, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request } from 'express';
import { accountView, CreateOrganisationBody, organisationView, roleFromName, roleName, SsoSettingsBody, UpdateOrganisationBody } from '../accounts/account.dto';
import { callerOf } from '../common/caller';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodBodyPipe } from '../common/zod-body.pipe';

/** /api/v1/orgs — organisations (platform-admin) and their SSO settings (org-admin). */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs')
export class OrgsController {
  constructor(private readonly messaging: MessagingClient) {}

  @RequirePermission('platform.orgs.manage')
  @Post()
  @HttpCode(201)
  async create(@Body(new ZodBodyPipe(CreateOrganisationBody)) body: CreateOrganisationBody, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.createOrganisation, {
      name: body.name,
      adminLoginName: body.admin.loginName,
      adminDisplayName: body.admin.displayName,
      adminPassword: body.admin.password,
      caller: callerOf(req, token),
    });
    return { ...organisationView(r.organisation), admin: accountView(r.admin) };
  }

  @RequirePermission('org.manage')
  @Patch(':org')
  async update(@Param('org', OrgIdPipe) org: string, @Body(new ZodBodyPipe(UpdateOrganisationBody)) body: UpdateOrganisationBody, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.updateOrganisation, { orgId: org, mfaRequired: body.mfaRequired, caller: callerOf(req, token) });
    return organisationView(r.organisation);
  }

  @RequirePermission('org.manage')
  @Put(':org/sso')
  async updateSso(@Param('org', OrgIdPipe) org: string, @Body(new ZodBodyPipe(SsoSettingsBody)) body: SsoSettingsBody, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.updateSso, {
      orgId: org,
      settings: { ...body, groupRoles: body.groupRoles.map((g) => ({ group: g.group, role: roleFromName(g.role) })) },
      caller: callerOf(req, token),
    });
    const s = r.settings;
    return {
      entraTenantIds: s?.entraTenantIds ?? [],
      googleHostedDomains: s?.googleHostedDomains ?? [],
      allowedDomains: s?.allowedDomains ?? [],
      groupRoles: (s?.groupRoles ?? []).map((g) => ({ group: g.group, role: roleName(g.role) })),
    };
  }
}
