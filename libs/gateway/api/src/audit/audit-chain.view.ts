import { ChainViolationKind, type VerifyAuditChainResponse, WitnessState } from '@ferry/contracts';
import { z } from 'zod';

/** `?from=&to=` of a verification: sequences in decimal, at most 19 digits (SQL bigint). */
export const SEQUENCE_PARAM = /^[1-9][0-9]{0,18}$/;

/** PUT /audit/retention body. */
export const RetentionBody = z.object({ days: z.number().int().min(1).max(3650) }).strict();
export type RetentionBody = z.infer<typeof RetentionBody>;

/** `OUT_OF_ORDER` -> `out-of-order`, as the README and the verification script name them. */
const word = (name: string | undefined) => (name ?? 'unspecified').toLowerCase().replaceAll('_', '-');

/** The JSON a verification answers with: counts as numbers, sequences as decimal strings. */
export function verificationView(r: VerifyAuditChainResponse) {
  return {
    ok: r.ok,
    violation: r.violation ? { sequence: r.violation.sequence.toString(), kind: word(ChainViolationKind[r.violation.kind]), reason: r.violation.reason } : null,
    records: Number(r.records),
    checkpoints: Number(r.checkpoints),
    durationMs: r.durationMs,
    fromSequence: r.fromSequence.toString(),
    lastSequence: r.lastSequence.toString(),
    headSequence: r.headSequence.toString(),
    witness: word(WitnessState[r.witness]),
  };
}
