import { readFileSync, statSync } from 'node:fs';
import { parseAuditSigningKey, parseAuditVerifyKeys } from '@ferry/audit/domain';
import { auditForwardingConfigShape } from '@ferry/audit/forwarding-config';
import { baseServiceSchema, defaultedVar, integerValue, optionalVar, readableFileValue, requiredVar, withDatabase } from '@ferry/platform/config';
import { z } from 'zod';

// The key fields read the file at load time, so a missing, unreadable, wrong-type or world-readable
// key stops the service at boot with the reason (never the key). Imports stay light: this module
// loads before telemetry.

const CREATE_KEY = 'create one with: node scripts/audit/signing-key.mjs --out <dir>';

/** A readable file whose content `check` accepts; `missing` is the reason when unset. */
function checkedFile(check: (path: string) => string | undefined, missing: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? missing : 'must be a file path') })
    .pipe(readableFileValue())
    .superRefine((path, ctx) => {
      const problem = check(path);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

function signingKeyProblem(path: string): string | undefined {
  try {
    const bits = statSync(path).mode & 0o777;
    if (process.platform !== 'win32' && (bits & 0o077) !== 0) return `has mode 0${bits.toString(8)}: the audit signing key must be readable by the service only (chmod 600)`;
    parseAuditSigningKey(readFileSync(path, 'utf8'));
    return undefined;
  } catch (err) {
    return `${(err as Error).message} (an Ed25519 private key, PKCS#8 PEM; ${CREATE_KEY})`;
  }
}

function verifyKeysProblem(path: string): string | undefined {
  try {
    parseAuditVerifyKeys(readFileSync(path, 'utf8'));
    return undefined;
  } catch (err) {
    return `${(err as Error).message} (Ed25519 public keys, PEM)`;
  }
}

/**
 * The audit service's settings: the base, its database, the chain's signing key and upkeep, the
 * consumer's batching, retention, and SIEM forwarding (libs/audit/infra/src/forwarding/README.md).
 */
export const configSchema = withDatabase(baseServiceSchema).extend({
  /** Signs checkpoints and witnessed heads; kept outside the database (a Key Vault mount in production). */
  FERRY_AUDIT_SIGNING_KEY_FILE: requiredVar(checkedFile(signingKeyProblem, `required: the path of the audit signing key (Ed25519, PKCS#8 PEM); ${CREATE_KEY}`)),
  /** Public keys of earlier signing keys, still trusted when verifying (key rotation). */
  FERRY_AUDIT_VERIFY_KEYS_FILE: optionalVar(checkedFile(verifyKeysProblem, 'must be a file path')),
  FERRY_AUDIT_CHECKPOINT_EVERY: defaultedVar(integerValue({ min: 1, max: 1_000_000, unit: 'records' }), 1000),
  FERRY_AUDIT_CHECKPOINT_INTERVAL_MS: defaultedVar(integerValue({ min: 1000, max: 86_400_000, unit: 'ms' }), 60_000),
  FERRY_AUDIT_RETENTION_DAYS: defaultedVar(integerValue({ min: 1, max: 3650, unit: 'days' }), 365),
  FERRY_AUDIT_PURGE_INTERVAL_MS: defaultedVar(integerValue({ min: 60_000, max: 604_800_000, unit: 'ms' }), 3_600_000),
  FERRY_AUDIT_CONSUMER_CONCURRENCY: defaultedVar(integerValue({ min: 1, max: 4096 }), 1024),
  /** How long a dead replica's unacked events wait before another appends them; handlers keep theirs in progress meanwhile. */
  FERRY_AUDIT_CONSUMER_ACK_WAIT_MS: defaultedVar(integerValue({ min: 1000, max: 300_000, unit: 'ms' }), 10_000),
  FERRY_AUDIT_BATCH_MAX: defaultedVar(integerValue({ min: 1, max: 5000 }), 500),
  FERRY_AUDIT_WITNESS_REPLICAS: defaultedVar(integerValue({ min: 1, max: 5 }), 1),
  ...auditForwardingConfigShape,
});

export type AuditConfig = z.infer<typeof configSchema>;
