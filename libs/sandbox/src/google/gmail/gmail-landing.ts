import type { gmail_v1 } from 'googleapis';
import { isRecord } from '../../http/body';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import { seededHex } from '../../scenario/deterministic';
import type { MessageContent } from './gmail-content';
import { gmailErrors } from './gmail-errors';
import { MessageRecord, type LandedMime, type Mailbox } from './gmail.store';
import { headerValue } from './mime-headers';

export type LandingKind = 'import' | 'insert';

/** The Message resource fields import/insert read from the metadata (JSON body or first multipart part). */
export interface LandingMetadata {
  readonly labelIds: readonly string[];
  readonly threadId?: string;
  readonly raw?: string;
}

export function parseLandingMetadata(body: unknown): LandingMetadata {
  if (!isRecord(body)) throw gmailErrors.invalid('Invalid JSON payload received.');
  const labelIds = body['labelIds'] ?? [];
  if (!Array.isArray(labelIds) || !labelIds.every((l): l is string => typeof l === 'string'))
    throw gmailErrors.invalid("Invalid JSON payload received. Invalid value at 'message.label_ids'");
  const threadId = body['threadId'];
  const raw = body['raw'];
  return {
    labelIds,
    ...(typeof threadId === 'string' ? { threadId } : {}),
    ...(typeof raw === 'string' ? { raw } : {}),
  };
}

/** Query parameters import and insert share, validated before any byte is read. */
export interface LandingParams {
  readonly kind: LandingKind;
  readonly internalDateSource: 'dateHeader' | 'receivedTime';
}

export function parseLandingParams(req: SandboxRequest, kind: LandingKind): LandingParams {
  const source = req.query.get('internalDateSource') ?? (kind === 'import' ? 'dateHeader' : 'receivedTime');
  if (source !== 'dateHeader' && source !== 'receivedTime') {
    throw googleError(
      400,
      'invalid',
      `Invalid value at 'internal_date_source' (type.googleapis.com/gmail.InternalDateSource), "${source.slice(0, 40)}"`,
      { location: 'internalDateSource', locationType: 'parameter' },
    );
  }
  for (const flag of ['neverMarkSpam', 'processForCalendar', 'deleted']) {
    const v = req.query.get(flag);
    if (v !== null && v !== 'true' && v !== 'false')
      throw googleError(400, 'invalid', `Invalid value at '${flag}' (TYPE_BOOL), "${v.slice(0, 40)}"`, {
        location: flag,
        locationType: 'parameter',
      });
  }
  return { kind, internalDateSource: source };
}

/** Refuses unknown label ids before any content is read. */
export function checkLabels(mailbox: Mailbox, meta: LandingMetadata): void {
  for (const l of meta.labelIds) if (!mailbox.hasLabel(l)) throw gmailErrors.invalidLabel(l);
}

function threadOf(
  mailbox: Mailbox,
  content: MessageContent,
  landed: LandedMime,
  requested: string | undefined,
): string | undefined {
  if (requested) {
    for (const m of mailbox.messages.values()) if (m.threadId === requested) return requested;
  }
  // Simplified threading: Gmail also requires a matching subject; the sandbox follows the reference chain.
  const refs =
    `${headerValue(landed.headers, 'in-reply-to') ?? ''} ${headerValue(landed.headers, 'references') ?? ''}`.match(
      /<[^>]+>/g,
    ) ?? [];
  if (refs.length === 0) return undefined;
  // Newest reference first: the parent is the last one listed.
  for (const ref of refs.map((r) => r.toLowerCase()).reverse()) {
    const seeded = /^<([0-9a-f]{16})\.sandbox@mail\./.exec(ref);
    const id = seeded ? seeded[1] : mailbox.landedByMessageId.get(ref);
    const parent = id ? mailbox.messages.get(id) : undefined;
    if (parent && content.messageIdHeader(mailbox, parent).toLowerCase() === ref) return parent.threadId;
  }
  return undefined;
}

/**
 * Files a landed message in the mailbox: label check, threading, internal date. Spam
 * classification is not emulated, so `neverMarkSpam` changes nothing; `processForCalendar` is
 * accepted and ignored.
 */
export function fileMessage(
  mailbox: Mailbox,
  content: MessageContent,
  landed: LandedMime,
  meta: LandingMetadata,
  params: LandingParams,
  now: number,
): gmail_v1.Schema$Message {
  checkLabels(mailbox, meta);
  const id = seededHex(`${mailbox.seed}/landed/${mailbox.nextLandedSeq()}`, 16);
  const threadId = threadOf(mailbox, content, landed, meta.threadId) ?? id;
  const dated = Date.parse(headerValue(landed.headers, 'date') ?? '');
  const internalDate = params.internalDateSource === 'dateHeader' && Number.isFinite(dated) ? dated : now;
  const rec = new MessageRecord(
    id,
    threadId,
    [...new Set(meta.labelIds)],
    internalDate,
    0,
    landed.content.size,
    -1,
    -1,
    landed,
  );
  mailbox.addMessage(rec, now);
  return { id: rec.id, threadId: rec.threadId, labelIds: [...rec.labelIds] };
}
