import { Body, Controller, Get, HttpCode, Logger, Param, ParseUUIDPipe, Post, Req, Res, ServiceUnavailableException, UseFilters, UseGuards } from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { AccessGuard, BearerToken, CurrentClaims, Public, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient, RpcFailure } from '@ferry/platform/messaging';
import type { AccessClaims } from '@ferry/platform/rbac';
import type { Request, Response } from 'express';
import { callerOf } from '../common/caller';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { StartConsentBody, StartDelegationBody } from './connector-onboarding.dto';
import { type OnboardingOutcome, outcomeOfFailure, sendOnboardingPage } from './connector-onboarding.page';
import { connectorView } from './connector.view';
import { bindingCookie, browserBindingOf, CLEAR_BINDING_COOKIE, isBrowserBinding } from './delegation-binding.cookie';

const connectorId = new ParseUUIDPipe({ version: undefined });
/** Longer callback URLs are refused unread (the providers' answers fit in a fraction of it). */
const MAX_CALLBACK_URL = 8192;
/** Completing a consent may wait for Entra to replicate it, a few seconds. */
const COMPLETE_TIMEOUT_MS = 30_000;

/** The raw query of a callback, or null when it is too long or its state is absent or repeated. */
function callbackQuery(req: Request): string | null {
  if (req.originalUrl.length > MAX_CALLBACK_URL) return null;
  const q = req.originalUrl.indexOf('?');
  const query = q < 0 ? '' : req.originalUrl.slice(q + 1);
  const states = new URLSearchParams(query).getAll('state');
  return states.length === 1 && states[0] ? query : null;
}

/** The request for a consent callback's RPC, or null once the "incomplete" page has been sent. */
function consentRequest(req: Request, res: Response): { query: string; context: { sourceAddress: string; userAgent: string } } | null {
  const query = callbackQuery(req);
  if (query === null) {
    sendOnboardingPage(res, 'incomplete');
    return null;
  }
  return { query, context: sourceOf(req) };
}

/** An absolute https URL as a string, or null: where the gateway may send a browser on. */
function httpsUrl(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password ? url.href : null;
  } catch {
    return null;
  }
}

/** A callback carries no token: only where it came from is passed on, for the audit record. */
function sourceOf(req: Request): { sourceAddress: string; userAgent: string } {
  const { sourceAddress, userAgent } = callerOf(req);
  return { sourceAddress, userAgent };
}

/**
 * Onboarding without pasted secrets. Admin consent: POST .../connectors/consent answers a link for a
 * Microsoft 365 administrator; Entra sends their browser back to GET /api/v1/connectors/consent/callback,
 * which sends it on to a sign-in at the named tenant, whose answer comes to
 * GET /api/v1/connectors/consent/verify/callback.
 * Delegated grants: POST .../connectors/{id}/delegations answers the provider's link and puts the flow's
 * browser binding (made by the connectors service) in a cookie; the provider sends the browser back to
 * GET /api/v1/connectors/delegations/callback, which passes the cookie on for the service to check.
 * The callbacks are public (no Ferry token comes back from a provider): the single-use state is the
 * authority, checked by the connectors service, and they answer a fixed page that echoes nothing.
 */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1')
export class ConnectorOnboardingController {
  private readonly logger = new Logger('ConnectorOnboarding');

  constructor(private readonly messaging: MessagingClient) {}

  @RequirePermission('connectors.manage')
  @Post('orgs/:org/connectors/consent')
  @HttpCode(201)
  async startConsent(@Param('org', OrgIdPipe) org: string, @Body(new ZodBodyPipe(StartConsentBody)) body: StartConsentBody, @CurrentClaims() claims: AccessClaims, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.connectors.startConsent, {
      orgId: org,
      name: body.name,
      workloads: body.workloads,
      projectTag: body.projectTag ?? '',
      context: { actorId: claims.accountId, ...callerOf(req, token) },
    });
    return { connector: connectorView(r.connector), consentUrl: r.consentUrl };
  }

  /**
   * Not bound to a browser: the link is meant to be forwarded to the tenant's administrator, who may
   * have no Ferry account. Entra's answer here is unsigned, so it completes nothing: the connectors
   * service answers a continuation, the sign-in at the tenant the answer named, and this browser is
   * sent there; the consent completes on the verification callback below.
   */
  @Public()
  @Get('connectors/consent/callback')
  async consentCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const request = consentRequest(req, res);
    if (request === null) return;
    let continueUrl = '';
    const outcome = await this.complete(async () => {
      continueUrl = (await this.messaging.request(Rpc.connectors.completeConsent, request, { timeoutMs: COMPLETE_TIMEOUT_MS })).continueUrl;
    }, 'consent-granted');
    if (outcome !== 'consent-granted') return sendOnboardingPage(res, outcome);
    // A service that answers no continuation is older than the verification step: it would have activated unverified.
    const target = httpsUrl(continueUrl);
    if (target === null) {
      this.logger.error('the connectors service answered an admin consent without a verification sign-in');
      return sendOnboardingPage(res, 'failed');
    }
    res.status(302).setHeader('location', target).setHeader('cache-control', 'no-store').end();
  }

  /**
   * The sign-in that confirms an admin consent: Entra sends the browser back with a code for the
   * installation app, which the connectors service redeems (PKCE, the tenant's verified ID token, an
   * administrator's directory role) before the connector turns active.
   */
  @Public()
  @Get('connectors/consent/verify/callback')
  async consentVerifyCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const request = consentRequest(req, res);
    if (request === null) return;
    sendOnboardingPage(res, await this.complete(() => this.messaging.request(Rpc.connectors.verifyConsent, request, { timeoutMs: COMPLETE_TIMEOUT_MS }), 'consent-granted'));
  }

  @RequirePermission('connectors.manage')
  @Post('orgs/:org/connectors/:id/delegations')
  @HttpCode(201)
  async startDelegation(
    @Param('org', OrgIdPipe) org: string,
    @Param('id', connectorId) id: string,
    @Body(new ZodBodyPipe(StartDelegationBody)) body: StartDelegationBody,
    @CurrentClaims() claims: AccessClaims,
    @BearerToken() token: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.messaging.request(Rpc.connectors.startDelegation, {
      ref: { orgId: org, connectorId: id, context: { actorId: claims.accountId, ...callerOf(req, token) } },
      loginHint: body.loginHint ?? '',
    });
    // A service without bindings would complete the grant in any browser: no link rather than an unbound one.
    if (!isBrowserBinding(r.browserBinding)) {
      this.logger.error('the connectors service answered a delegation without a browser binding');
      throw new ServiceUnavailableException('delegated grants are unavailable: the connectors service is not up to date');
    }
    res.setHeader('set-cookie', bindingCookie(r.browserBinding));
    res.setHeader('cache-control', 'no-store');
    return { authorizationUrl: r.authorizationUrl };
  }

  /**
   * Completes only in the browser that started the grant: a link someone else started cannot make this
   * browser's user grant access into their connector (login CSRF, reversed). The binding cookie is
   * passed on as received, '' when absent; the connectors service judges it, spends the state either
   * way and audits a refusal in the flow's organisation, which the gateway alone could not.
   */
  @Public()
  @Get('connectors/delegations/callback')
  async delegationCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('set-cookie', CLEAR_BINDING_COOKIE);
    const query = callbackQuery(req);
    if (query === null) return sendOnboardingPage(res, 'incomplete');
    const request = { query, browserBinding: browserBindingOf(req), context: sourceOf(req) };
    sendOnboardingPage(res, await this.complete(() => this.messaging.request(Rpc.connectors.completeDelegation, request, { timeoutMs: COMPLETE_TIMEOUT_MS }), 'delegation-granted'));
  }

  private async complete(send: () => Promise<unknown>, granted: OnboardingOutcome): Promise<OnboardingOutcome> {
    try {
      await send();
      return granted;
    } catch (err) {
      if (err instanceof RpcFailure) return outcomeOfFailure(err.code);
      // Only the error's kind: its text could quote the request.
      this.logger.error(`an onboarding callback failed (${err instanceof Error ? err.name : typeof err})`);
      return 'failed';
    }
  }
}
