import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type CountsSchema,
  DeletionPolicy,
  ExtraLabelPolicy,
  type FailedItemSchema,
  MailSystem,
  type MappingProgressSchema,
  type MappingSchema,
  MappingStatus,
  PassKind,
  type PassSchema,
  PassStatus,
  type ProjectSchema,
  type ThroughputSchema,
} from '@ferry/contracts';
import type {
  FailureRow,
  MailboxProgress,
  Mapping,
  Pass,
  ProgressFigures,
  ProgressTotals,
  Project,
} from '@ferry/migration/application';
import type { MailSystem as MailSystemName } from '@ferry/migration/domain';

const SYSTEM: Record<MailSystemName, MailSystem> = {
  google: MailSystem.GOOGLE,
  microsoft: MailSystem.MICROSOFT,
  imap: MailSystem.IMAP,
};
const DELETION = { keep: DeletionPolicy.KEEP, mirror: DeletionPolicy.MIRROR } as const;
const EXTRA_LABELS = { categories: ExtraLabelPolicy.CATEGORIES, ignore: ExtraLabelPolicy.IGNORE } as const;
export const PASS_KIND = { full: PassKind.FULL, delta: PassKind.DELTA } as const;
const PASS_STATUS: Record<Pass['status'], PassStatus> = {
  scheduled: PassStatus.SCHEDULED,
  running: PassStatus.RUNNING,
  paused: PassStatus.PAUSED,
  cancelled: PassStatus.CANCELLED,
  completed: PassStatus.COMPLETED,
  failed: PassStatus.FAILED,
};
const MAPPING_STATUS: Record<MailboxProgress['progress']['status'], MappingStatus> = {
  pending: MappingStatus.PENDING,
  planning: MappingStatus.PLANNING,
  running: MappingStatus.RUNNING,
  done: MappingStatus.DONE,
  failed: MappingStatus.FAILED,
};

/** The name of an enum value in a table, or '' (which the command refuses) for an unknown one. */
export function nameOf<T extends Record<string, number>>(table: T, value: number): string {
  return Object.keys(table).find((k) => table[k] === value) ?? '';
}

export const deletionPolicyName = (value: DeletionPolicy) =>
  value === DeletionPolicy.UNSPECIFIED ? '' : nameOf(DELETION, value) || 'unknown';
export const extraLabelsName = (value: ExtraLabelPolicy) =>
  value === ExtraLabelPolicy.UNSPECIFIED ? '' : nameOf(EXTRA_LABELS, value) || 'unknown';

const ts = (d: Date | null) => (d ? timestampFromDate(d) : undefined);

export function projectMessage(p: Project): MessageInitShape<typeof ProjectSchema> {
  return {
    id: p.id,
    orgId: p.orgId,
    name: p.name,
    sourceConnectorId: p.sourceConnectorId,
    targetConnectorId: p.targetConnectorId,
    source: SYSTEM[p.source],
    target: SYSTEM[p.target],
    workloads: [...p.workloads],
    deletionPolicy: DELETION[p.deletionPolicy],
    extraLabels: EXTRA_LABELS[p.extraLabels],
    createdAt: timestampFromDate(p.createdAt),
    updatedAt: timestampFromDate(p.updatedAt),
    version: p.version,
  };
}

export function passMessage(p: Pass): MessageInitShape<typeof PassSchema> {
  return {
    id: p.id,
    projectId: p.projectId,
    kind: PASS_KIND[p.kind],
    status: PASS_STATUS[p.status],
    final: p.final,
    scheduledFor: ts(p.scheduledFor),
    createdAt: timestampFromDate(p.createdAt),
    startedAt: ts(p.startedAt),
    finishedAt: ts(p.finishedAt),
  };
}

/** A mapping row with its addresses: only ever sent to an authorised caller of its organisation. */
export function mappingMessage(m: Mapping): MessageInitShape<typeof MappingSchema> {
  return {
    id: m.id,
    sourceAddress: m.sourceAddress,
    targetAddress: m.targetAddress,
    lastPassFinishedAt: ts(m.lastPassFinishedAt),
    lastPassId: m.lastPassId ?? '',
  };
}

export function countsMessage(t: ProgressTotals): MessageInitShape<typeof CountsSchema> {
  const n = (v: number) => BigInt(Math.max(0, Math.trunc(v)));
  return {
    found: n(t.found),
    migrated: n(t.migrated),
    skipped: n(t.skipped),
    failed: n(t.failed),
    bytesFound: n(t.bytesFound),
    bytesDone: n(t.bytesDone),
  };
}

/** Figures on the wire: unknown rates are 0 (the proto has no null), an unknown ETA is unset. */
export function throughputMessage(f: ProgressFigures): MessageInitShape<typeof ThroughputSchema> {
  return {
    itemsPerSecond: f.itemsPerSecond ?? 0,
    bytesPerSecond: f.bytesPerSecond ?? 0,
    fractionDone: (f.percent ?? 0) / 100,
    complete: f.complete,
    ...(f.etaSeconds !== null && { etaSeconds: BigInt(Math.max(0, Math.ceil(f.etaSeconds))) }),
  };
}

export function mailboxMessage(row: MailboxProgress): MessageInitShape<typeof MappingProgressSchema> {
  const p = row.progress;
  return {
    mapping: mappingMessage(row.mapping),
    status: MAPPING_STATUS[p.status],
    counts: countsMessage(p),
    throughput: throughputMessage(row.figures),
    startedAt: ts(p.startedAt),
    finishedAt: ts(p.finishedAt),
  };
}

export function failureMessage(f: FailureRow): MessageInitShape<typeof FailedItemSchema> {
  return {
    mappingId: f.mappingId,
    sourceId: f.sourceId,
    reason: f.reason,
    detail: f.detail,
    at: timestampFromDate(f.at),
  };
}
