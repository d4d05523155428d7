import { createServer, type Server, type TLSSocket } from 'node:tls';
import { closeServer, listenOnLoopback } from './loopback-server';
import { splitOctetCounted } from './rfc5424.parser';

/**
 * A local syslog-over-TLS receiver (RFC 5425): deframes octet-counted messages strictly and records
 * them, and records TLS handshakes that failed. Stops and restarts on the same port.
 */
export class SyslogTlsReceiver {
  readonly messages: string[] = [];
  readonly framingErrors: string[] = [];
  readonly handshakeFailures: string[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<TLSSocket>();
  private port = 0;

  constructor(private readonly tls: { readonly cert: string; readonly key: string }) {}

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  async start(): Promise<void> {
    const server = createServer({ cert: this.tls.cert, key: this.tls.key, minVersion: 'TLSv1.2' }, (socket) => {
      this.sockets.add(socket);
      let pending: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        try {
          const { messages, rest } = splitOctetCounted(Buffer.concat([pending, chunk]));
          this.messages.push(...messages);
          pending = rest;
        } catch (err) {
          this.framingErrors.push((err as Error).message);
          socket.destroy();
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('tlsClientError', (err: NodeJS.ErrnoException) => this.handshakeFailures.push(err.code ?? err.message));
    this.port = await listenOnLoopback(server, this.port);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server, () => this.sockets.forEach((socket) => socket.destroy()));
  }
}
