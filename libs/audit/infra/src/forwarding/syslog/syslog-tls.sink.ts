import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { type DestinationPolicy, DestinationRefusedError, pinnedLookup, TLS_CLIENT_DEFAULTS, trustedCaList } from '@ferry/platform/net';
import type { AuditEventView } from '../audit-event.view';
import type { SyslogSettings } from '../forwarding.config';
import { type ForwardingSink, safeCode, SinkError } from '../forwarding-sink';
import { formatRfc5424, octetCountedFrame } from './rfc5424.format';

/**
 * Writes RFC 5424 messages over TLS with RFC 5425 octet-counting framing, one connection kept open.
 * A batch is accepted once its bytes were flushed to the socket (syslog has no acknowledgement, so
 * bytes in flight when a connection breaks can be lost; the webhook gives a receiver's answer).
 * A broken or refused connection is reopened on the next attempt, which the queue spaces out with
 * backoff. Certificates are always verified, against the public roots plus the configured CA.
 */
export class SyslogTlsSink implements ForwardingSink {
  readonly kind = 'syslog';
  readonly maxEventBytes: number;
  private socket: TLSSocket | undefined;
  private readonly where: string;

  constructor(
    private readonly settings: SyslogSettings,
    private readonly policy: DestinationPolicy,
    private readonly hostname: string,
    private readonly connectTimeoutMs = 10_000,
  ) {
    // The frame adds the length's digits and a space to the message.
    this.maxEventBytes = settings.maxMessageBytes + String(settings.maxMessageBytes).length + 1;
    this.where = `${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}`;
  }

  encode(view: AuditEventView): Buffer {
    const { facility, appName, sdId } = this.settings;
    return octetCountedFrame(formatRfc5424(view, { facility, appName, sdId, hostname: this.hostname }));
  }

  async deliver(frames: readonly Buffer[], _batchId: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new SinkError('delivery aborted at shutdown', true);
    const socket = await this.connection(signal);
    await new Promise<void>((resolve, reject) => {
      socket.write(Buffer.concat(frames), (err) => {
        if (!err) return resolve();
        this.drop();
        reject(new SinkError(`write to ${this.where} failed (${safeCode(err)})`, true));
      });
    });
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (socket.destroy(), resolve()), 2000);
      socket.end(() => (clearTimeout(timer), resolve()));
    });
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private async connection(signal: AbortSignal): Promise<TLSSocket> {
    if (this.socket && !this.socket.destroyed && this.socket.writable) return this.socket;
    this.drop();
    try {
      // IP literals never reach the pinned lookup: judge the host here too.
      await this.policy.resolveDestination(this.settings.host);
    } catch (err) {
      if (err instanceof DestinationRefusedError) throw new SinkError(`${err.message} (set FERRY_OUTBOUND_ALLOW)`, true);
      throw new SinkError(`${this.where} could not be resolved`, true);
    }
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = connect({
        host: this.settings.host,
        port: this.settings.port,
        ...(isIP(this.settings.host) === 0 && { servername: this.settings.host }),
        lookup: pinnedLookup(this.policy),
        ...(this.settings.caPem !== undefined && { ca: trustedCaList([this.settings.caPem]) }),
        ...TLS_CLIENT_DEFAULTS,
      });
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        s.destroy();
        reject(new SinkError(reason, true));
      };
      const onAbort = () => fail('delivery aborted at shutdown');
      const timer = setTimeout(() => fail(`${this.where} did not complete a TLS handshake within ${this.connectTimeoutMs} ms`), this.connectTimeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      s.on('error', (err) => fail(`${this.where} could not be reached (${safeCode(err)})`));
      s.once('secureConnect', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        s.removeAllListeners('error');
        // A receiver sends nothing; reading keeps the socket from stalling if one does. Any end or
        // error retires the connection, and the next batch opens a new one.
        const retire = () => void (this.socket === s && this.drop());
        s.on('error', retire).on('end', retire).on('close', retire).resume();
        resolve(s);
      });
    });
    this.socket = socket;
    return socket;
  }
}
