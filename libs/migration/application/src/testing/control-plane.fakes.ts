import { MemoryProjectRepository, MemoryWorkQueue } from '@ferry/migration/testing';
import { type ControlCaller, controlCaller } from '../projects/caller';
import { InvalidControlCommandError } from '../projects/control-plane.errors';
import type {
  ConnectorDirectory,
  ConnectorInfo,
  ControlClock,
  MigrationAuditEntry,
  MigrationAuditTrail,
} from '../projects/control-plane.ports';

// Stand-ins for the control plane's own ports (unit tests only; the NATS adapters are exercised by
// libs/migration/infra's integration spec).

export const ORG = '5a1e0c2d-7b3f-4d6e-9a8b-1c2d3e4f5a6b';
export const OTHER_ORG = '6b2f1d3e-8c4a-4e7f-8b9c-2d3e4f5a6b7c';
export const GOOGLE = '1c0f8a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
export const MICROSOFT = '2d1a9b3f-4c5e-4f6a-9b0c-1d2e3f4a5b6c';
export const IMAP = '3e2b0c4a-5d6f-4a7b-8c1d-2e3f4a5b6c7d';
export const GOOGLE_2 = '4f3c1d5b-6e7a-4b8c-9d2e-3f4a5b6c7d8e';
export const CALLER: ControlCaller = controlCaller({
  accountId: 'acct-operator',
  sourceAddress: '192.0.2.1',
  userAgent: 'jest',
  accessToken: 'token-of-the-caller',
});

export class FakeClock implements ControlClock {
  constructor(public time = new Date('2026-03-01T10:00:00Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms);
  }
}

export class RecordingMigrationAudit implements MigrationAuditTrail {
  readonly entries: MigrationAuditEntry[] = [];
  failing = false;
  async record(entry: MigrationAuditEntry): Promise<void> {
    if (this.failing) throw new Error('audit stream down');
    this.entries.push(entry);
  }
  actions(): string[] {
    return this.entries.map((e) => e.action);
  }
}

/** Connectors of ORG by id; records who asked (the forwarded caller). */
export class FakeConnectorDirectory implements ConnectorDirectory {
  readonly asked: { orgId: string; connectorId: string; caller: ControlCaller }[] = [];
  readonly connectors = new Map<string, ConnectorInfo & { orgId: string }>([
    [GOOGLE, { id: GOOGLE, orgId: ORG, system: 'google', workloads: ['mail', 'calendar'], usable: true }],
    [GOOGLE_2, { id: GOOGLE_2, orgId: ORG, system: 'google', workloads: ['mail'], usable: true }],
    [MICROSOFT, { id: MICROSOFT, orgId: ORG, system: 'microsoft', workloads: ['mail'], usable: true }],
    [IMAP, { id: IMAP, orgId: ORG, system: 'imap', workloads: ['mail'], usable: true }],
  ]);

  async connector(orgId: string, connectorId: string, caller: ControlCaller): Promise<ConnectorInfo | null> {
    this.asked.push({ orgId, connectorId, caller });
    const c = this.connectors.get(connectorId);
    return c && c.orgId === orgId ? c : null;
  }
}

/** Every fake of the control plane, wired the way the service wires the real ones. */
export function controlPlane() {
  const clock = new FakeClock();
  return {
    clock,
    projects: new MemoryProjectRepository(() => clock.now()),
    queue: new MemoryWorkQueue(),
    audit: new RecordingMigrationAudit(),
    connectors: new FakeConnectorDirectory(),
  };
}

/** The violations `p` is refused with; fails the test when it succeeds or fails otherwise. */
export async function refusal(p: Promise<unknown>): Promise<{ field: string; reason: string }[]> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof InvalidControlCommandError))
    throw new Error(`expected InvalidControlCommandError, got ${String(err)}`);
  return [...err.violations];
}
