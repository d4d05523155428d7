import { setTimeout as sleep } from 'node:timers/promises';
import { type ConsentSignIn, ConnectorStateError, type InstallationApp } from '@ferry/connectors/application';
import type { MicrosoftCloudName, MicrosoftSettings } from '@ferry/connectors/domain';
import { ProviderError } from '@ferry/providers/core';
import { adminConsentUrl, type MicrosoftClientCredential, MicrosoftIdentityClient, parseAdminConsentCallback } from '@ferry/providers/microsoft';
import { microsoftEndpointsOf } from './microsoft.tenant';
import type { Outbound } from './outbound';

/** The installation's own multi-tenant Entra app registration, held by the connectors service. */
export interface MicrosoftInstallationAppOptions {
  /** Application (client) id, a GUID. */
  readonly clientId: string;
  /** Read from files at start-up (FERRY_MICROSOFT_APP_*_FILE); never stored in the database. */
  readonly credential: MicrosoftClientCredential;
  readonly cloud: MicrosoftCloudName;
  /** For cloud `custom` only (a sovereign or test cloud). */
  readonly endpoints?: { readonly authorityHost: string; readonly graphOrigin: string };
}

/** How long to wait for Entra to make a fresh consent usable (its service principal replicates in seconds). */
export interface ConsentPropagation {
  readonly attempts: number;
  readonly delayMs: number;
}

/** The confirming sign-in asks for the user's identity only (the provider adds offline_access; its refresh token is dropped). */
const SIGN_IN_SCOPES = ['openid', 'profile'];

const NOT_CONFIGURED = 'admin consent is not configured on this installation: set FERRY_MICROSOFT_APP_CLIENT_ID, its credential files and FERRY_CONNECTORS_CALLBACK_URL';

/**
 * Admin consent to the installation's app: the consent link, Entra's answer, and the proof that a tenant
 * granted the app. Also the credential admin-consent connectors obtain their tokens with.
 */
export class MicrosoftInstallationApp implements InstallationApp {
  constructor(
    private readonly outbound: Outbound,
    private readonly app: MicrosoftInstallationAppOptions | undefined,
    /** Where Entra sends the administrator back (registered on the app); null without a callback URL. */
    private readonly redirectUri: string | null,
    private readonly propagation: ConsentPropagation = { attempts: 4, delayMs: 2_000 },
    /** Where Entra sends the browser after the sign-in that confirms a consent (registered on the app); null without a callback URL. */
    private readonly verifyRedirectUri: string | null = null,
  ) {}

  consentSettings(): MicrosoftSettings {
    const app = this.configured();
    return {
      kind: 'microsoft-365',
      auth: 'admin-consent',
      tenantId: '',
      clientId: app.clientId.toLowerCase(),
      cloud: app.cloud,
      ...(app.cloud === 'custom' && app.endpoints && { endpoints: { authorityHost: app.endpoints.authorityHost, graphOrigin: app.endpoints.graphOrigin } }),
    };
  }

  consentUrl(state: string): string {
    const settings = this.consentSettings();
    return adminConsentUrl({ endpoints: microsoftEndpointsOf(settings), clientId: settings.clientId, redirectUri: this.redirectUri ?? '', state });
  }

  readConsentCallback(query: URLSearchParams): { tenantId: string } {
    return { tenantId: parseAdminConsentCallback(query).tenantId };
  }

  verificationUrl(tenantId: string, request: { state: string; codeChallenge: string }): string {
    return this.clientAt(tenantId).authorizationUrl({ redirectUri: this.verifyRedirectUri ?? '', state: request.state, codeChallenge: request.codeChallenge, scopes: SIGN_IN_SCOPES });
  }

  async verifySignIn(tenantId: string, request: { code: string; codeVerifier: string }): Promise<ConsentSignIn> {
    // The provider verifies the ID token (signature by the tenant's keys, issuer pinned to the tenant,
    // audience, expiry, tid); the access and refresh tokens that come with it are dropped here.
    const grant = await this.clientAt(tenantId).redeemAuthorizationCode({ code: request.code, redirectUri: this.verifyRedirectUri ?? '', codeVerifier: request.codeVerifier, scopes: SIGN_IN_SCOPES });
    return { tenantId: grant.account.id.split(':')[0] ?? '', directoryRoles: grant.directoryRoles };
  }

  /** The installation app at `tenantId`'s own authority. */
  private clientAt(tenantId: string): MicrosoftIdentityClient {
    const settings = { ...this.consentSettings(), tenantId };
    if (!this.verifyRedirectUri) throw new ConnectorStateError(NOT_CONFIGURED);
    return new MicrosoftIdentityClient({ tenantId, clientId: settings.clientId, credential: this.credentialFor(settings), endpoints: microsoftEndpointsOf(settings), fetch: this.outbound.fetch });
  }

  async verifyConsent(settings: MicrosoftSettings): Promise<void> {
    const client = new MicrosoftIdentityClient({
      tenantId: settings.tenantId,
      clientId: settings.clientId,
      credential: this.credentialFor(settings),
      endpoints: microsoftEndpointsOf(settings),
      fetch: this.outbound.fetch,
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await client.acquireAppToken();
        return;
      } catch (err) {
        // Right after consent Entra may not know the app in the tenant yet (AADSTS700016): retry briefly.
        if (!(err instanceof ProviderError) || err.code !== 'unknown-client' || attempt >= this.propagation.attempts) throw err;
        await sleep(this.propagation.delayMs);
      }
    }
  }

  /** The credential of an admin-consent connector: the installation app's, if the connector was consented to it. */
  credentialFor(settings: MicrosoftSettings): MicrosoftClientCredential {
    if (!this.app) throw new ConnectorStateError('the installation app is not configured: admin-consent connectors cannot obtain tokens');
    if (settings.clientId !== this.app.clientId.toLowerCase()) throw new ConnectorStateError('the connector was consented to another installation app: start the consent again');
    return this.app.credential;
  }

  private configured(): MicrosoftInstallationAppOptions {
    if (!this.app || !this.redirectUri) throw new ConnectorStateError(NOT_CONFIGURED);
    return this.app;
  }
}
