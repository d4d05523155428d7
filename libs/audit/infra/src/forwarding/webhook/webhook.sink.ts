import { type Agent, request } from 'node:https';
import { createOutboundAgent, type DestinationPolicy, DestinationRefusedError } from '@ferry/platform/net';
import { retryAfterFrom } from '@ferry/providers/core';
import type { AuditEventView, EventOrigin } from '../audit-event.view';
import type { WebhookSettings } from '../forwarding.config';
import { type ForwardingSink, safeCode, SinkError } from '../forwarding-sink';
import { hecBody, hecEvent } from './hec-event.format';
import { BATCH_ID_HEADER, SIGNATURE_HEADER, signatureOf, TIMESTAMP_HEADER } from './webhook-signature';

/** Bytes of a refusal's body kept for the log line. */
const ERROR_SNIPPET_BYTES = 200;

/**
 * Posts batches to an HTTPS endpoint in Splunk HEC event format, signed with HMAC-SHA256 (see
 * webhook-signature.ts) and, with a token, authorised as `Splunk <token>`. Connections go through the
 * SSRF-guarded agent (pinned, policy-checked addresses; TLS 1.2+, certificates verified; https only).
 *
 * 2xx accepts the batch. 408, 429, 5xx, timeouts and network errors are retried (429/503 after their
 * Retry-After); other 4xx refuse it for good; redirects are not followed and are retried, since they mean
 * the URL is wrong rather than the batch.
 */
export class WebhookSink implements ForwardingSink {
  readonly kind = 'webhook';
  readonly maxEventBytes: number;
  private readonly agent: Agent;
  private readonly where: string;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly policy: DestinationPolicy,
    private readonly host: string,
    maxEventBytes: number,
  ) {
    if (settings.url.protocol !== 'https:') throw new Error('the audit webhook must be an https URL');
    this.maxEventBytes = maxEventBytes;
    this.agent = createOutboundAgent(policy, {
      maxSockets: 2,
      ...(settings.caPem !== undefined && { ca: settings.caPem }),
    });
    this.where = settings.url.host;
  }

  encode(view: AuditEventView, origin: EventOrigin): Buffer {
    return Buffer.from(JSON.stringify(hecEvent(view, { host: this.host, subject: origin.subject })));
  }

  async deliver(frames: readonly Buffer[], batchId: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new SinkError('delivery aborted at shutdown', true);
    try {
      // IP literals never reach the agent's pinned lookup: judge every host here too.
      await this.policy.resolveDestination(this.settings.url.hostname.replace(/^\[|\]$/g, ''));
    } catch (err) {
      if (err instanceof DestinationRefusedError)
        throw new SinkError(`${err.message} (set FERRY_OUTBOUND_ALLOW)`, true);
      throw new SinkError(`${this.where} could not be resolved`, true);
    }
    const body = hecBody(frames);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'user-agent': 'ferry-audit-forwarder/1',
      [BATCH_ID_HEADER]: batchId,
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signatureOf(this.settings.secret.reveal(), timestamp, body),
    };
    if (this.settings.token) headers['authorization'] = `Splunk ${this.settings.token.reveal()}`;
    const answer = await this.post(body, headers, signal);
    this.judge(answer);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private judge(answer: { status: number; retryAfter: string | undefined; snippet: string }): void {
    const { status } = answer;
    if (status >= 200 && status < 300) return;
    const what = `${this.where} answered HTTP ${status}${answer.snippet ? ` (${this.redacted(answer.snippet)})` : ''}`;
    if (status === 429 || status === 503) {
      const seconds = retryAfterFrom(answer.retryAfter);
      throw new SinkError(what, true, seconds === undefined ? undefined : seconds * 1000);
    }
    if (status >= 400 && status < 500 && status !== 408) throw new SinkError(what, false);
    throw new SinkError(what, true);
  }

  /** A receiver may echo what it was sent: never let the token or the HMAC key reach a log line. */
  private redacted(text: string): string {
    let out = text;
    for (const secret of [this.settings.token?.reveal(), this.settings.secret.reveal()]) {
      if (secret) out = out.split(secret).join('[redacted]');
    }
    return out;
  }

  private post(
    body: Buffer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ status: number; retryAfter: string | undefined; snippet: string }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        reject(new SinkError(reason, true));
        req.destroy();
      };
      const req = request(this.settings.url, { method: 'POST', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < ERROR_SNIPPET_BYTES) chunks.push(chunk.subarray(0, ERROR_SNIPPET_BYTES - kept));
          kept += chunk.length;
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const retryAfter: string | undefined = res.headers['retry-after'];
          const snippet = Buffer.concat(chunks)
            .toString('utf8')
            .replace(/[^\x20-\x7e]+/g, ' ')
            .trim();
          resolve({ status: res.statusCode ?? 502, retryAfter, snippet });
        });
        res.on('error', () => fail(`${this.where} broke off its answer`));
      });
      const deadline = setTimeout(
        () => fail(`${this.where} did not answer within ${this.settings.timeoutMs} ms`),
        this.settings.timeoutMs,
      );
      const onAbort = () => fail('delivery aborted at shutdown');
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => {
        clearTimeout(deadline);
        signal.removeEventListener('abort', onAbort);
      });
      // Node's network and TLS errors: keep to the code (e.g. ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE).
      req.on('error', (err: NodeJS.ErrnoException) =>
        fail(`${this.where} could not be reached (${safeCode(err)})`),
      );
      req.end(body);
    });
  }
}
