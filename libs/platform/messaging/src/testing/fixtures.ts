// Test-only contracts: a work-queue stream carrying Connector messages, so the tests exercise the
// messaging machinery without depending on any domain's semantics.
import { ConnectorSchema, type EventContract, type StreamContract } from '@ferry/contracts';
import { MessagingClient } from '../messaging.client';
import type { MessagingLogger } from '../messaging.options';

export const workStream: StreamContract = {
  name: 'WORK',
  subjects: ['test.v1.work.>'],
  retention: 'workqueue',
  maxAgeMs: 60 * 60 * 1000,
  duplicateWindowMs: 60 * 1000,
  description: 'test work queue',
};

export const workEvent = {
  kind: 'event',
  stream: workStream,
  schema: ConnectorSchema,
  base: 'test.v1.work',
  params: ['region', 'org'],
} as const satisfies EventContract;

/** A logger that keeps lines for assertions. */
export function memoryLogger(): MessagingLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, log: push('log'), warn: push('warn'), error: push('error') };
}

export function client(url: string, prefix: string, service = 'svc', logger?: MessagingLogger): MessagingClient {
  return new MessagingClient({
    servers: [url],
    service,
    region: 'test',
    prefix,
    maxConnectBackoffMs: 500,
    drainTimeoutMs: 5000,
    ...(logger ? { logger } : {}),
  });
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
