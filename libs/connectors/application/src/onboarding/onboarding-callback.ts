import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ProviderError } from '@ferry/providers/core';
import { AuditUnavailableError, OnboardingRefusedError, type OnboardingRefusal } from '../connectors.errors';
import type { Clock, ConnectorAuditEntry, ConnectorAuditTrail } from '../connector.ports';
import type { OnboardingKind, OnboardingStore, OnboardingTransaction } from './onboarding.ports';

/** How long a consent or grant link stays valid. */
export const ONBOARDING_TTL_MS = 30 * 60_000;
/** Longer callback queries are refused unread (Entra's and Google's fit in a fraction of it). */
const MAX_QUERY_CHARS = 8192;

/** Where a callback came from (it has no signed-in caller: the state authorises it). */
export interface CallbackSource {
  readonly sourceAddress: string;
  readonly userAgent: string;
}

/** A fresh state: 32 random bytes, base64url. Only its hash is stored. */
export function newState(): string {
  return randomBytes(32).toString('base64url');
}

export function stateHashOf(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

/**
 * A fresh browser binding for a delegation: 32 random bytes, base64url. The gateway keeps it in an
 * HttpOnly cookie of the browser that started the flow; the service keeps only its hash.
 */
export function newBrowserBinding(): { binding: string; hash: string } {
  const binding = randomBytes(32).toString('base64url');
  return { binding, hash: stateHashOf(binding) };
}

/** Longer bindings are not hashed: a real one is 43 characters. */
const MAX_BINDING_CHARS = 512;

/**
 * Whether a callback carries its flow's browser binding, or why not. The comparison runs over the
 * two hashes in constant time, so its duration says nothing about how much of a guess was right.
 */
export function checkBrowserBinding(storedHash: string | null, given: string): 'bound' | 'missing' | 'mismatch' | 'unbound' {
  // A row written before bindings existed has none to compare: refused, never waved through.
  if (storedHash === null) return 'unbound';
  if (given === '') return 'missing';
  if (given.length > MAX_BINDING_CHARS) return 'mismatch';
  const expected = Buffer.from(storedHash, 'utf8');
  const actual = Buffer.from(stateHashOf(given), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? 'bound' : 'mismatch';
}

/** A PKCE S256 pair: a 43-character verifier and its challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') };
}

const ACTION: Record<OnboardingKind, ConnectorAuditEntry['action']> = {
  consent: 'connector.consent.granted',
  'consent-verify': 'connector.consent.granted',
  delegation: 'connector.delegation.granted',
};
const DENIED: ReadonlySet<OnboardingRefusal> = new Set(['expired-or-used', 'wrong-flow', 'declined', 'account-mismatch', 'tenant-held-elsewhere', 'other-browser', 'tenant-mismatch', 'not-an-admin']);

/** The audit record of a callback's outcome, by an anonymous actor whose link was the state. */
export function callbackEntry(
  kind: OnboardingKind,
  transaction: Pick<OnboardingTransaction, 'orgId' | 'connectorId'>,
  outcome: ConnectorAuditEntry['outcome'],
  source: CallbackSource,
  detail: Record<string, string>,
): ConnectorAuditEntry {
  return {
    orgId: transaction.orgId,
    actor: { kind: 'anonymous', id: '' },
    action: ACTION[kind],
    connectorId: transaction.connectorId,
    outcome,
    sourceAddress: source.sourceAddress.slice(0, 64),
    userAgent: source.userAgent.slice(0, 256),
    detail,
  };
}

/** The single value of a callback parameter; absent or repeated is undefined. */
export function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

export interface CallbackDeps {
  readonly store: OnboardingStore;
  readonly audit: ConnectorAuditTrail;
  readonly clock: Clock;
}

/**
 * The first steps of every callback: read the query, spend its state (single use, whatever happens
 * next), and refuse unknown, replayed, expired and other-kind states. Refusals of a known state are
 * audited in its organisation; an unknown state names no organisation and is only refused.
 */
export async function spendCallbackState(
  deps: CallbackDeps,
  kind: OnboardingKind,
  query: string,
  source: CallbackSource,
): Promise<{ transaction: OnboardingTransaction; params: URLSearchParams }> {
  if (query.length > MAX_QUERY_CHARS) throw new OnboardingRefusedError('invalid-callback');
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const state = single(params, 'state');
  if (state === undefined || state.length < 16 || state.length > 512) throw new OnboardingRefusedError('invalid-callback');
  const outcome = await deps.store.spend(stateHashOf(state), deps.clock.now());
  if (outcome.status === 'unknown') throw new OnboardingRefusedError('unknown-state');
  const { transaction } = outcome;
  if (outcome.status !== 'spent') await refuse(deps, kind, transaction, source, 'expired-or-used', { state: outcome.status });
  if (transaction.kind !== kind) await refuse(deps, kind, transaction, source, 'wrong-flow', { startedAs: transaction.kind });
  return { transaction, params };
}

async function refuse(
  deps: CallbackDeps,
  kind: OnboardingKind,
  transaction: OnboardingTransaction,
  source: CallbackSource,
  reason: OnboardingRefusal,
  detail: Record<string, string>,
): Promise<never> {
  await deps.audit.record(callbackEntry(kind, transaction, 'denied', source, { reason, ...detail })).catch(() => undefined);
  throw new OnboardingRefusedError(reason);
}

/**
 * Runs what follows a spent state and audits any failure in the transaction's organisation (the
 * success is audited by the body, before its change commits). An audit outage is not recorded twice.
 */
export async function auditFailures<T>(deps: CallbackDeps, kind: OnboardingKind, transaction: OnboardingTransaction, source: CallbackSource, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof AuditUnavailableError)) {
      await deps.audit.record(callbackEntry(kind, transaction, outcomeOf(err), source, detailOf(err))).catch(() => undefined);
    }
    throw err;
  }
}

function outcomeOf(err: unknown): ConnectorAuditEntry['outcome'] {
  return err instanceof OnboardingRefusedError && DENIED.has(err.reason) ? 'denied' : 'failure';
}

function detailOf(err: unknown): Record<string, string> {
  if (err instanceof OnboardingRefusedError) return { ...err.detail, reason: err.reason };
  if (err instanceof ProviderError) return { reason: 'provider', code: err.code, ...(err.details.providerCode && { providerCode: err.details.providerCode }) };
  return { reason: 'error' };
}
