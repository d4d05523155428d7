import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import type {
  Counts,
  FailedItem,
  GetProgressResponse,
  Mapping,
  MappingProgress,
  Pass,
  Project,
  Throughput,
} from '@ferry/contracts';
import { nameOf } from '../connectors/connector-names';
import {
  DELETION_POLICY,
  EXTRA_LABELS,
  MAPPING_STATUS,
  PASS_KIND,
  PASS_STATUS,
  SYSTEM,
} from './migration-names';

const iso = (t: Timestamp | undefined): string | null => (t ? timestampDate(t).toISOString() : null);
/** Counts travel as uint64; JSON numbers are exact up to 2^53, far beyond any mailbox. */
const num = (v: bigint): number => Number(v);

export function projectView(p: Project | undefined) {
  if (!p) return null;
  return {
    id: p.id,
    name: p.name,
    sourceConnectorId: p.sourceConnectorId,
    targetConnectorId: p.targetConnectorId,
    source: nameOf(SYSTEM, p.source),
    target: nameOf(SYSTEM, p.target),
    workloads: [...p.workloads],
    deletionPolicy: nameOf(DELETION_POLICY, p.deletionPolicy),
    extraLabels: nameOf(EXTRA_LABELS, p.extraLabels),
    version: p.version,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export function passView(p: Pass | undefined) {
  if (!p) return null;
  return {
    id: p.id,
    projectId: p.projectId,
    kind: nameOf(PASS_KIND, p.kind),
    status: nameOf(PASS_STATUS, p.status),
    final: p.final,
    scheduledFor: iso(p.scheduledFor),
    createdAt: iso(p.createdAt),
    startedAt: iso(p.startedAt),
    finishedAt: iso(p.finishedAt),
  };
}

/** A mapping row with its addresses: the caller holds migration.read (or reports.read) in this organisation. */
export function mappingView(m: Mapping | undefined) {
  return {
    id: m?.id ?? '',
    sourceAddress: m?.sourceAddress ?? '',
    targetAddress: m?.targetAddress ?? '',
    lastPassFinishedAt: iso(m?.lastPassFinishedAt),
    lastPassId: m?.lastPassId || null,
  };
}

export function countsView(c: Counts | undefined) {
  return {
    found: num(c?.found ?? 0n),
    migrated: num(c?.migrated ?? 0n),
    skipped: num(c?.skipped ?? 0n),
    failed: num(c?.failed ?? 0n),
    bytesFound: num(c?.bytesFound ?? 0n),
    bytesDone: num(c?.bytesDone ?? 0n),
  };
}

/** Rates are 0 while unknown; `percent` is processed over found items (100 only once complete). */
export function rateView(t: Throughput | undefined) {
  return {
    percent: Math.round((t?.fractionDone ?? 0) * 1000) / 10,
    itemsPerSecond: t?.itemsPerSecond ?? 0,
    bytesPerSecond: t?.bytesPerSecond ?? 0,
    etaSeconds: t?.etaSeconds === undefined ? null : num(t.etaSeconds),
    complete: t?.complete ?? false,
  };
}

export function mailboxView(m: MappingProgress) {
  return {
    mapping: mappingView(m.mapping),
    status: nameOf(MAPPING_STATUS, m.status),
    counts: countsView(m.counts),
    rate: rateView(m.throughput),
    startedAt: iso(m.startedAt),
    finishedAt: iso(m.finishedAt),
  };
}

export function progressView(r: GetProgressResponse) {
  return {
    pass: passView(r.pass),
    totals: countsView(r.totals),
    rate: rateView(r.throughput),
    mailboxes: {
      total: r.mailboxes?.total ?? 0,
      pending: r.mailboxes?.pending ?? 0,
      planning: r.mailboxes?.planning ?? 0,
      running: r.mailboxes?.running ?? 0,
      done: r.mailboxes?.done ?? 0,
      failed: r.mailboxes?.failed ?? 0,
    },
    mappings: r.mappings.map(mailboxView),
  };
}

export function failureView(f: FailedItem) {
  return { mappingId: f.mappingId, sourceId: f.sourceId, reason: f.reason, detail: f.detail, at: iso(f.at) };
}
