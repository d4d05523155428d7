import type { Importance, SourceItemSummary } from '@ferry/migration/domain';
import {
  type ExtendedProperty,
  expandProperties,
  PID_LAST_VERB,
  PID_MESSAGE_SIZE,
  propertyValue,
  VERB_REPLY,
  VERB_REPLY_ALL,
} from './graph-properties';

/** A message as the summary queries return it. */
export interface GraphMessageSummaryJson {
  readonly id: string;
  readonly parentFolderId?: string;
  readonly isRead?: boolean;
  readonly isDraft?: boolean;
  readonly importance?: string;
  readonly flag?: { readonly flagStatus?: string };
  readonly changeKey?: string;
  readonly receivedDateTime?: string;
  readonly singleValueExtendedProperties?: readonly ExtendedProperty[];
  readonly '@removed'?: unknown;
}

/** Only what a summary needs. */
export const SUMMARY_SELECT = 'id,parentFolderId,isRead,flag,importance,isDraft,changeKey,receivedDateTime';
/** Size (PidTagMessageSize) and answered (PidTagLastVerbExecuted) are MAPI properties Graph has no field for. */
export const SUMMARY_EXPAND = expandProperties([PID_MESSAGE_SIZE, PID_LAST_VERB]);
/** The summary query string (encoded), for lists and single reads; delta takes `$select` only. */
export const SUMMARY_QUERY = `$select=${SUMMARY_SELECT}&$expand=${encodeURIComponent(SUMMARY_EXPAND)}`;

/** A Graph message as the engine's summary: one folder, state, changeKey, size (0 when not given). */
export function summaryOf(m: GraphMessageSummaryJson): SourceItemSummary {
  const verb = Number(propertyValue(m, PID_LAST_VERB));
  const size = Number(propertyValue(m, PID_MESSAGE_SIZE));
  const received = Date.parse(m.receivedDateTime ?? '');
  return {
    sourceId: m.id,
    folderIds: m.parentFolderId ? [m.parentFolderId] : [],
    state: {
      read: m.isRead === true,
      flagged: m.flag?.flagStatus === 'flagged',
      answered: verb === VERB_REPLY || verb === VERB_REPLY_ALL,
      draft: m.isDraft === true,
      importance: importanceOf(m.importance),
    },
    changeStamp: m.changeKey ?? '',
    size: Number.isSafeInteger(size) && size > 0 ? size : 0,
    receivedAt: Number.isNaN(received) ? 0 : received,
  };
}

function importanceOf(value: string | undefined): Importance {
  const v = value?.toLowerCase();
  return v === 'low' || v === 'high' ? v : 'normal';
}
