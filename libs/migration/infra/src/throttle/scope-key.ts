import { createHash } from 'node:crypto';
import type { ThrottleScope } from '@ferry/migration/application';
import type { ThrottleScopeKind } from '@ferry/migration/domain';

const MAILBOX_KINDS: ReadonlySet<ThrottleScopeKind> = new Set(['graph.mailbox', 'gmail.user', 'imap.mailbox']);

/**
 * The shared-store key of a scope: its kind, then a SHA-256 of the kind and the scope's keys. Scope
 * keys are already pseudonymous; hashing them as well keeps anything a caller passed (even an
 * address by mistake) out of the store and makes every key KV-safe.
 */
export function scopeStoreKey(kind: ThrottleScopeKind, scope: ThrottleScope): string {
  const parts = MAILBOX_KINDS.has(kind) ? [scope.tenantKey, scope.mailboxKey] : [scope.tenantKey];
  const digest = createHash('sha256').update(JSON.stringify(['ferry.throttle.v1', kind, ...parts])).digest('hex').slice(0, 32);
  return `${kind.replace('.', '_')}.${digest}`;
}
