import type { AddressInfo, Server } from 'node:net';

/** Listens on loopback (on `port`, 0 for any) and resolves with the port; restarting reuses it. */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Closes a server after `dropConnections` ended the open ones (a closing server waits for them). */
export async function closeServer(server: Server | undefined, dropConnections: () => void): Promise<void> {
  if (!server) return;
  dropConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
