import { type INestApplication, Logger } from '@nestjs/common';
import type { AddressInfo, Server } from 'node:net';

/** Where a service listens. */
export interface ListenOptions {
  /** Interface to bind, e.g. `0.0.0.0` in a pod or `127.0.0.1` on a workstation. */
  readonly host: string;
  /** TCP port; 0 picks a free one (tests). */
  readonly port: number;
}

/** The address actually bound. */
export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Starts accepting requests on `host:port` and logs the bound address.
 * @throws Error for an invalid host or port, or when the address cannot be bound.
 */
export async function listen(app: INestApplication, options: ListenOptions): Promise<ListeningAddress> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw new Error(`listen: port must be a whole number from 0 to 65535; got ${String(options.port)}`);
  }
  if (typeof options.host !== 'string' || options.host.trim() === '') {
    throw new Error('listen: host must be a non-empty interface address, e.g. 0.0.0.0');
  }
  await app.listen(options.port, options.host);
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  new Logger('Http').log(`Listening on ${address.address}:${address.port}`);
  return { host: address.address, port: address.port };
}
