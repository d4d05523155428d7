import { gmailStateOfLabels, type SourceItemSummary } from '@ferry/migration/domain';
import { ProviderError } from '@ferry/providers/core';
import { orderLabelIds } from './gmail-labels.mapper';

/** The message fields a summary is made of (`format=minimal` with a field mask). */
export const SUMMARY_FIELDS = 'id,labelIds,historyId,internalDate,sizeEstimate';

/** A Gmail message resource, as much of it as a summary reads. */
export interface GmailMessageMeta {
  readonly id?: string | null;
  readonly labelIds?: readonly string[] | null;
  readonly historyId?: string | null;
  readonly internalDate?: string | null;
  readonly sizeEstimate?: number | null;
}

/**
 * The summary fields of a `messages.get` answer, checked for their types (a field may be absent):
 * anything else is a malformed answer, refused with a ProviderError that quotes nothing of it.
 */
export function gmailMessageMeta(value: unknown): GmailMessageMeta {
  const m = value as Record<string, unknown>;
  const optional = (v: unknown, type: 'string' | 'number') => v === undefined || v === null || typeof v === type;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    optional(m['id'], 'string') &&
    optional(m['historyId'], 'string') &&
    optional(m['internalDate'], 'string') &&
    optional(m['sizeEstimate'], 'number') &&
    (m['labelIds'] === undefined ||
      m['labelIds'] === null ||
      (Array.isArray(m['labelIds']) && m['labelIds'].every((l) => typeof l === 'string')));
  if (!ok) throw new ProviderError('provider-error', 'Gmail messages.get answered a malformed message resource');
  return value;
}

/** A Gmail message as a source item: every label (most specific first), state from labels, historyId as its stamp. */
export function summaryOfMessage(message: GmailMessageMeta): SourceItemSummary {
  const labelIds = message.labelIds ?? [];
  const receivedAt = Number(message.internalDate ?? '0');
  return {
    sourceId: message.id ?? '',
    folderIds: orderLabelIds(labelIds),
    state: gmailStateOfLabels(labelIds),
    changeStamp: message.historyId ?? '',
    size: message.sizeEstimate ?? 0,
    receivedAt: Number.isFinite(receivedAt) ? receivedAt : 0,
  };
}
