import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { FaultEffect } from '../faults/fault-rules';
import type { SandboxContext } from '../sandbox-context';
import type { SandboxCa } from '../tls/certificate-authority';
import { authenticate } from './auth';
import { CapturingResponse, type DispatchResult, SyntheticRequest } from './internal-dispatch';
import { sendJson } from './respond';
import type { RouteTable, ThrottleCharge } from './route';
import type { SandboxRequest } from './sandbox-request';
import { RequestStats } from './request-stats';
import { throttledError } from './throttled-error';
import { VendorError, type Vendor } from './vendor-error';
import { googleError, graphError, inspectError, oauthError } from './vendor-errors';

/** Which vendor answers an unmatched path, from its prefix. */
function vendorOfPath(path: string): Vendor {
  if (path.startsWith('/v1.0/') || path === '/v1.0') return 'graph';
  if (path.startsWith('/_sandbox')) return 'inspect';
  if (/^\/[0-9a-f-]{36}\/|^\/(common|organizations|consumers)\//.test(path)) return 'entra';
  if (path === '/token' || path.startsWith('/o/oauth2')) return 'google-oauth';
  return 'google';
}

export function notFound(vendor: Vendor, path: string): VendorError {
  switch (vendor) {
    case 'graph':
      return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? ''}'.`);
    case 'entra':
    case 'google-oauth':
      return oauthError(404, 'invalid_request', 'The requested endpoint does not exist.');
    case 'inspect':
      return inspectError(404, `no inspection route ${path}`);
    case 'google':
      return googleError(404, 'notFound', `The requested URL ${path} was not found on this server.`);
  }
}

function internalError(vendor: Vendor): VendorError {
  switch (vendor) {
    case 'graph':
      return graphError(500, 'generalException', 'An internal server error occurred.');
    case 'entra':
    case 'google-oauth':
      return oauthError(500, 'server_error', 'An internal error occurred.');
    case 'inspect':
      return inspectError(500, 'internal error');
    case 'google':
      return googleError(500, 'backendError', 'Backend Error');
  }
}

function injectedStatus(vendor: Vendor, status: number, retryAfterS: number | undefined): VendorError {
  const headers: Record<string, string> = retryAfterS !== undefined ? { 'retry-after': String(retryAfterS) } : {};
  if (vendor === 'graph') {
    const code = status === 503 ? 'serviceNotAvailable' : status === 504 ? 'gatewayTimeout' : 'generalException';
    return graphError(status, code, status === 503 ? 'The service is temporarily unavailable. Please try again later.' : 'An internal server error occurred.', headers);
  }
  if (vendor === 'google') {
    return googleError(status, status === 503 ? 'backendError' : 'internalError', status === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.', { headers });
  }
  return new VendorError(status, { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable.' }, headers);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The sandbox's one HTTPS listener: match, authenticate, inject faults, throttle, handle. */
export class SandboxServer {
  readonly stats = new RequestStats();
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly routes: RouteTable,
  ) {}

  async listen(ca: SandboxCa, port: number, host: string): Promise<number> {
    const server = createServer({ cert: ca.serverCertPem, key: ca.serverKeyPem, minVersion: 'TLSv1.2' }, (req, res) => {
      void this.handle(req, res);
    });
    // Long uploads and downloads are the point; do not cut them off.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Runs one request through the same pipeline as the listener (match, auth, faults, throttling,
   * handler) without a socket: how Graph's JSON batching executes its sub-requests.
   */
  async dispatch(method: string, path: string, headers: Readonly<Record<string, string>>, body: Buffer): Promise<DispatchResult> {
    const raw = new SyntheticRequest(method, path, headers, body);
    const res = new CapturingResponse();
    const done = res.result();
    await this.handle(raw as unknown as IncomingMessage, res as unknown as ServerResponse);
    return done;
  }

  private async handle(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const method = raw.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(raw.url ?? '/', 'https://sandbox.invalid');
    } catch {
      sendJson(res, 400, { error: 'malformed request target' });
      return;
    }
    const path = url.pathname;
    let vendor = vendorOfPath(path);
    let operation = 'unmatched';
    let release: (() => void) | undefined;
    res.setHeader('request-id', requestId);
    res.on('close', () => {
      release?.();
      this.stats.record(operation, res.statusCode, performance.now() - started, res.writableFinished);
    });
    try {
      const match = this.routes.match(method, path);
      if (match === undefined) throw notFound(vendor, path);
      if (match === 'methodMismatch') {
        throw vendor === 'graph' ? graphError(405, 'Request_BadRequest', `The HTTP method '${method}' is not allowed for this resource.`) : vendor === 'google' ? googleError(405, 'httpMethodNotAllowed', `Method not allowed: ${method}`) : new VendorError(405, { error: 'method not allowed' });
      }
      const { route, params } = match;
      vendor = route.vendor;
      operation = route.operation;
      const req: SandboxRequest = { raw, method, url, path, params, query: url.searchParams, requestId, vendor, operation };
      if (route.auth) {
        const principal = await authenticate(this.ctx, route.auth, raw.headers.authorization, operation);
        if (principal) req.principal = principal;
      }
      const charge: ThrottleCharge = route.charge?.(req) ?? {};
      const effects = this.ctx.faults.effectsFor({ operation, method, ...(charge.user ? { user: charge.user } : {}) });
      await this.applyPreEffects(effects, vendor, raw, res);
      // A pre-authenticated URL is never charged (and RouteTable refuses limits on one).
      if (!route.preAuthenticated && req.principal && route.limits && route.limits.length > 0) {
        const p = req.principal;
        const decision = this.ctx.throttle.admit({
          limits: route.limits,
          subject: {
            tenant: p.kind === 'microsoft' ? p.tenantId : p.customerId,
            app: p.kind === 'microsoft' ? p.appId : p.clientId,
            ...(charge.user !== undefined ? { user: charge.user } : p.kind === 'google' && p.subject ? { user: p.subject } : {}),
          },
          units: charge.units ?? 1,
          uploadBytes: charge.upload ? Number(raw.headers['content-length'] ?? '0') : 0,
        });
        if (!decision.ok) throw throttledError(vendor, decision.limit, decision.reason, decision.retryAfterS, this.ctx.clock.now());
        release = decision.release;
      }
      if (effects.some((e) => e.kind === 'stale-delta')) req.staleDelta = true;
      await route.handler(req, res);
    } catch (e) {
      this.fail(res, e instanceof VendorError ? e : internalError(vendor), requestId, e);
    }
  }

  private async applyPreEffects(effects: readonly FaultEffect[], vendor: Vendor, raw: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.ctx.faults.baseline) await sleep(this.ctx.faults.delayMs(this.ctx.faults.baseline));
    for (const effect of effects) {
      switch (effect.kind) {
        case 'latency':
          await sleep(this.ctx.faults.delayMs(effect.latency));
          break;
        case 'status':
          raw.resume();
          throw injectedStatus(vendor, effect.status, effect.retryAfterS);
        case 'reset-request': {
          let seen = 0;
          raw.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (seen >= effect.afterBytes) raw.socket.destroy();
          });
          // A 'data' listener switches the body to flowing mode, which would hand bytes arriving
          // before the handler reads straight to this counter; paused, it sees what the handler reads.
          raw.pause();
          break;
        }
        case 'reset-response': {
          let sent = 0;
          const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
          res.write = ((chunk: unknown, ...rest: unknown[]) => {
            const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Buffer).length;
            if (sent + size >= effect.afterBytes) {
              const part = Buffer.from(chunk as Buffer).subarray(0, Math.max(0, effect.afterBytes - sent));
              write(part);
              res.socket?.destroy();
              return false;
            }
            sent += size;
            return write(chunk, ...rest);
          }) as typeof res.write;
          const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
          res.end = ((chunk?: unknown, ...rest: unknown[]) => {
            if (chunk !== undefined && typeof chunk !== 'function') {
              res.write(chunk);
              if (res.socket?.destroyed) return res;
              return end(...rest);
            }
            return end(chunk, ...rest);
          }) as typeof res.end;
          break;
        }
        case 'stale-delta':
          break;
      }
    }
  }

  private fail(res: ServerResponse, error: VendorError, requestId: string, cause: unknown): void {
    if (!(cause instanceof VendorError)) {
      // The client gets the vendor's plain 500; the cause stays in the sandbox's own stderr.
      process.stderr.write(`sandbox: unhandled error ${requestId}: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    let body = error.body;
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const inner = body.error;
      if (typeof inner === 'object' && inner !== null && 'code' in inner && typeof inner.code === 'string') {
        body = { error: { ...inner, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': requestId } } };
      }
    }
    const headers = { ...error.headers };
    if (error.status === 401 || error.status === 403 || error.status >= 500) headers['connection'] = headers['connection'] ?? 'keep-alive';
    sendJson(res, error.status, body, headers);
  }
}
