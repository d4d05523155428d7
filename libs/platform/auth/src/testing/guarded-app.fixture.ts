// A real Nest HTTP app (the hardened runtime factory) whose controllers use the AccessGuard.
import { Controller, Get, Module, Post, UseGuards } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import type { AccessClaims } from '@ferry/platform/rbac';
import { RecordingLogger } from '@ferry/platform/testing';
import { AccessGuard } from '../access.guard';
import {
  ACCESS_DENIED_RECORDER,
  type AccessDenial,
  type AccessDeniedRecorder,
} from '../access-denied.recorder';
import { Public, RequirePermission } from '../access-metadata.decorators';
import { AccessTokenVerifier } from '../access-token.verifier';
import type { JwksSource } from '../jwks-source';
import { BearerToken, CurrentClaims } from '../request-context.decorators';
import { ISSUER } from './token-fixtures';

@Controller()
@UseGuards(AccessGuard)
class OrgController {
  @Get('open')
  @Public()
  open(): { open: true } {
    return { open: true };
  }

  @Get('undecorated')
  undecorated(): { reached: true } {
    return { reached: true };
  }

  @Get('me')
  @RequirePermission('org.read')
  me(
    @CurrentClaims() claims: AccessClaims,
    @BearerToken() token: string,
  ): { claims: AccessClaims; token: string } {
    return { claims, token };
  }

  @Get('orgs/:org/accounts')
  @RequirePermission('accounts.read')
  accounts(@CurrentClaims() claims: AccessClaims): { orgId: string | null } {
    return { orgId: claims.orgId };
  }

  @Post('orgs/:org/roles')
  @RequirePermission('roles.manage')
  grant(): { granted: true } {
    return { granted: true };
  }

  @Post('platform/orgs/:org')
  @RequirePermission('platform.orgs.manage')
  createOrg(): { created: true } {
    return { created: true };
  }
}

@Controller('reports')
@UseGuards(AccessGuard)
@RequirePermission('reports.read')
class ReportsController {
  @Get()
  list(): { reports: [] } {
    return { reports: [] };
  }

  @Get('status')
  @Public()
  status(): { up: true } {
    return { up: true };
  }
}

/** Keeps every denial it is given. */
export class MemoryRecorder implements AccessDeniedRecorder {
  readonly denials: AccessDenial[] = [];
  async record(denial: AccessDenial): Promise<void> {
    this.denials.push(denial);
  }
}

export interface GuardedApp {
  readonly app: NestExpressApplication;
  readonly baseUrl: string;
  readonly logger: RecordingLogger;
}

export async function startGuardedApp(
  keys: JwksSource,
  recorder: AccessDeniedRecorder | null,
): Promise<GuardedApp> {
  @Module({
    controllers: [OrgController, ReportsController],
    providers: [
      { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(keys, { issuer: ISSUER }) },
      AccessGuard,
      ...(recorder ? [{ provide: ACCESS_DENIED_RECORDER, useValue: recorder }] : []),
    ],
  })
  class GuardedModule {}
  const logger = new RecordingLogger();
  const app = await createHttpApp(GuardedModule, { logger, bodyLimitBytes: 4096 });
  const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
  return { app, baseUrl: `http://127.0.0.1:${port}`, logger };
}
