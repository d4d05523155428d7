import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { MessagingClient, MessagingModule } from '@ferry/platform/messaging';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import { GatewayApiModule } from '../gateway-api.module';
import { type AccessTokenSigner, standInIdentity } from '../testing/stand-in-identity';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, verbose: () => undefined };

/** What a spec of the gateway's audit routes runs against. */
export interface AuditGateway {
  /** `http://127.0.0.1:<port>/api/v1/orgs`. */
  readonly base: string;
  readonly sign: AccessTokenSigner;
  close(): Promise<void>;
}

/**
 * The gateway's HTTP API over real NATS (the test's namespace `prefix`) with a stand-in identity for
 * `org` and a stand-in audit service: `serveAudit` registers its handlers on a peer connection.
 * `providers` are made global (e.g. AUDIT_EXPORT_LIMITS). Tests only.
 */
export async function startAuditGateway(options: {
  readonly name: string;
  readonly natsUrl: string;
  readonly prefix: string;
  readonly org: string;
  readonly serveAudit: (audit: MessagingClient) => Promise<void>;
  readonly providers?: Provider[];
}): Promise<AuditGateway> {
  const { natsUrl, prefix } = options;
  const issuer = `urn:ferry:identity:${options.name}`;
  const peers = [0, 1].map((i) => new MessagingClient({ servers: [natsUrl], service: `peer-${i}`, region: 'test', prefix }));
  const sign = await standInIdentity(peers[0]!, { issuer, org: options.org });
  await options.serveAudit(peers[1]!);
  const providers = options.providers ?? [];
  const extra: DynamicModule = { module: class TestProviders {}, global: true, providers, exports: providers };

  @Module({ imports: [extra, MessagingModule.forRoot({ servers: [natsUrl], service: 'gateway', region: 'test', prefix }), GatewayApiModule.forRoot({ issuer, region: 'test' })] })
  class TestGateway {}
  const app = await createHttpApp(TestGateway, { logger: silent, bodyLimitBytes: 64 * 1024 });
  const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
  return {
    base: `http://127.0.0.1:${port}/api/v1/orgs`,
    sign,
    async close() {
      await app.close();
      await Promise.all(peers.map((p) => p.close()));
    },
  };
}
