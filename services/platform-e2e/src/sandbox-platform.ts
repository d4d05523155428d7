import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxEndpoints } from '@ferry/sandbox';
import { type ApiSession, postJson, signInAndEnrol } from './api-session';
import type { ApiClient } from './migration-api';
import { type PlatformProcess, startPlatformProcess } from './platform-process';

/** A running platform with one organisation, and the two signed-in sessions that set it up. */
export interface SandboxPlatform {
  readonly platform: PlatformProcess;
  /** The gateway's `/api/v1` base URL. */
  readonly api: string;
  readonly org: string;
  readonly platformAdmin: ApiSession;
  /** The platform admin's password, as created at first start. */
  readonly platformPassword: string;
  /** The organisation's org-admin. */
  readonly admin: ApiSession;
}

/**
 * Starts the platform (`npm start`'s supervisor, state in `stateDir`) against the sandbox clouds, with
 * spans exported every 200 ms; the platform admin then creates organisation "Contoso" with the org-admin
 * `admin`, who signs in (TOTP enrolled).
 */
export async function startSandboxPlatform(
  clouds: SandboxEndpoints,
  stateDir: string,
  admin: { readonly loginName: string; readonly password: string },
): Promise<SandboxPlatform> {
  const platform = await startPlatformProcess({
    FERRY_STATE_DIR: stateDir,
    FERRY_GOOGLE_API_ROOT: clouds.googleRoot,
    FERRY_GOOGLE_TOKEN_URI: clouds.googleTokenUri,
    FERRY_GRAPH_ORIGIN: new URL(clouds.graph).origin,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  const api = `${platform.gateway}/api/v1`;
  const platformPassword = readFileSync(join(stateDir, 'platform-admin.password'), 'utf8').trim();
  const platformAdmin = await signInAndEnrol(api, 'platform-admin', platformPassword);
  const created = await postJson(
    `${api}/orgs`,
    {
      name: 'Contoso',
      admin: { loginName: admin.loginName, displayName: 'IT Admin', password: admin.password },
    },
    platformAdmin.accessToken,
  );
  if (created.status !== 201) throw new Error(`creating the organisation answered ${created.status}`);
  const org = created.body['id'] as string;
  const session = await signInAndEnrol(api, admin.loginName, admin.password);
  return { platform, api, org, platformAdmin, platformPassword, admin: session };
}

/** A connector as the API answers its creation. */
export interface CreatedConnector {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
}

/**
 * Creates an organisation's two mail connectors through the API, with the sandbox tenants' real
 * credentials: Microsoft 365 (app registration secret, the sandbox's authority and Graph origin) and
 * Google Workspace (service account key with domain-wide delegation).
 */
export async function createSandboxConnectors(
  client: ApiClient,
  org: string,
  clouds: SandboxEndpoints,
): Promise<{ microsoft: CreatedConnector; google: CreatedConnector }> {
  const microsoft = await client.json<CreatedConnector>(
    'POST',
    `/orgs/${org}/connectors`,
    {
      name: 'Contoso tenant (sandbox)',
      kind: 'microsoft-365',
      workloads: ['mail'],
      secret: clouds.microsoft.clientSecret,
      microsoft: {
        auth: 'client-secret',
        tenantId: clouds.microsoft.tenantId,
        clientId: clouds.microsoft.clientId,
        cloud: 'custom',
        authorityHost: clouds.entraAuthority,
        graphOrigin: new URL(clouds.graph).origin,
      },
    },
    201,
  );
  const google = await client.json<CreatedConnector>(
    'POST',
    `/orgs/${org}/connectors`,
    {
      name: 'Fabrikam workspace (sandbox)',
      kind: 'google-workspace',
      workloads: ['mail'],
      secret: JSON.stringify(clouds.google.serviceAccountKey),
      google: {
        auth: 'service-account',
        customerId: clouds.google.customerId,
        adminUser: clouds.google.adminUser,
      },
    },
    201,
  );
  return { microsoft, google };
}
