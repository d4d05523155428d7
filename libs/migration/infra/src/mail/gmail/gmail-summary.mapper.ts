import { gmailStateOfLabels, type SourceItemSummary } from '@ferry/migration/domain';
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
