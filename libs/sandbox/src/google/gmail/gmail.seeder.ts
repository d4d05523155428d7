import { type MailAddress, type SeededAttachment, type SeededMessageSpec } from '../../content/seeded-mime';
import type { GmailScenario } from './gmail-scenario.schema';
import { Mailbox, MessageRecord } from './gmail.store';
import { Rng } from '../../scenario/deterministic';

/** Seeded mail ends here, so the same scenario yields the same dates whenever it runs. */
const ANCHOR_MS = Date.UTC(2026, 10, 1);
const SPAN_MS = 2 * 365 * 24 * 3600 * 1000;
/** History ids start well above zero, as real mailboxes' do. */
const FIRST_HISTORY_ID = 100_000;

const CORRESPONDENTS: readonly MailAddress[] = [
  { name: 'Ana Pereira', address: 'ana.pereira@partner.example' },
  { name: 'Jean-Luc Ørsted', address: 'jl.orsted@vendor.example' },
  { name: '山田 太郎', address: 'taro.yamada@partner.example' },
  { name: 'Billing', address: 'billing@vendor.example' },
  { name: "Siobhán O'Neill", address: 'siobhan@customer.example' },
  { name: 'Newsletter', address: 'news@updates.example' },
];
const SUBJECTS = [
  'Quarterly report',
  'Réunion d’équipe',
  '会議の議題',
  'Budget & <forecast> Q3',
  'Invoice',
  'Travel plans ✈',
  'Contract review',
  'Weekly update',
];
const WORDS = [
  'migration',
  'mailbox',
  'schedule',
  'déjà',
  'review',
  'budget',
  'team',
  'naïve',
  'update',
  'deadline',
  'データ',
  'project',
  'meeting',
  'report',
];
const ATTACHMENT_KINDS: readonly { readonly name: string; readonly type: string }[] = [
  { name: 'report.pdf', type: 'application/pdf' },
  { name: 'photo.jpg', type: 'image/jpeg' },
  { name: 'données.csv', type: 'text/csv' },
  { name: 'archive.zip', type: 'application/zip' },
];
const CATEGORIES = [
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
];

/** What a mailbox's seeded messages are generated from. */
export interface MailboxSeedContext {
  readonly owner: MailAddress;
  readonly domain: string;
  readonly spec: GmailScenario;
}

/** What seeding needs about a message: cheap draws only (no text is built). */
interface SeededFacts {
  readonly id: string;
  readonly labelIds: string[];
  readonly date: number;
  readonly replyOffset: number;
  readonly sent: boolean;
  readonly wordCount: number;
  readonly attachments: readonly SeededAttachment[];
}

/** Message-ID of a seeded message, derivable from its id alone. */
export function seededMessageIdHeader(id: string, domain: string): string {
  return `<${id}.sandbox@mail.${domain}>`;
}

export function seededSubject(seed: string, rootSeq: number, isReply: boolean): string {
  const base = `${Rng.forItem(`${seed}/subject`, rootSeq).pick(SUBJECTS)} #${rootSeq + 1}`;
  return isReply ? `Re: ${base}` : base;
}

/** Everything seeding decides about message `seq`, from its own random stream. */
function seededFacts(
  mailbox: Mailbox,
  ctx: MailboxSeedContext,
  seq: number,
  total: number,
  userLabels: readonly string[] = [],
): SeededFacts {
  const rng = Rng.forItem(`${mailbox.seed}/m`, seq);
  const id = rng.hexId();
  const step = Math.max(60_000, Math.floor(SPAN_MS / Math.max(total, 1)));
  const date = Math.floor((ANCHOR_MS - (total - seq) * step + rng.int(0, step - 1)) / 1000) * 1000;
  const replyOffset = seq > 0 && rng.chance(0.3) ? rng.int(1, Math.min(seq, 10)) : 0;
  const where = rng.next();
  const sent = where < 0.12;
  const labelIds: string[] = [];
  if (sent) labelIds.push('SENT');
  else if (where < 0.15) labelIds.push('TRASH');
  else if (where < 0.17) labelIds.push('SPAM');
  else if (where < 0.9) labelIds.push('INBOX', rng.pick(CATEGORIES));
  if (!sent && rng.chance(0.3)) labelIds.push('UNREAD');
  if (rng.chance(0.05)) labelIds.push('STARRED');
  if (rng.chance(0.2)) labelIds.push('IMPORTANT');
  // Both draws happen whatever the labels are, so regenerating the content later (with no label
  // list at hand) walks the same random stream.
  const labelHit = rng.chance(ctx.spec.userLabelRate);
  const labelPick = userLabels[Math.floor(rng.next() * userLabels.length)];
  if (labelHit && labelPick !== undefined) labelIds.push(labelPick);
  const wordCount = rng.int(12, 40);
  const attachments: SeededAttachment[] = [];
  if (ctx.spec.attachmentSizes.length > 0 && rng.chance(ctx.spec.attachmentRate)) {
    const count = rng.int(1, 2);
    for (let a = 0; a < count; a++) {
      const kind = rng.pick(ATTACHMENT_KINDS);
      attachments.push({
        filename: `${seq + 1}-${kind.name}`,
        contentType: kind.type,
        size: rng.pick(ctx.spec.attachmentSizes),
      });
    }
  }
  return { id, labelIds, date, replyOffset, sent, wordCount, attachments };
}

/** A size estimate from the facts alone, by `estimateMimeSize`'s arithmetic (Gmail's `sizeEstimate` is an estimate too). */
function estimateSize(facts: SeededFacts, subjectLength: number): number {
  let size = 460 + subjectLength + Math.ceil((facts.wordCount * 9 + 40) * 1.05);
  for (const a of facts.attachments) size += 200 + Math.ceil((a.size * 4) / 3) + Math.ceil(a.size / 57) * 2;
  return size;
}

/** The full spec that regenerates a seeded message byte for byte; the body text has its own stream. */
export function seededSpec(
  mailbox: Mailbox,
  ctx: MailboxSeedContext,
  rec: MessageRecord,
  total: number,
): SeededMessageSpec {
  const facts = seededFacts(mailbox, ctx, rec.seq, total);
  const body = Rng.forItem(`${mailbox.seed}/body`, rec.seq);
  const correspondent = body.pick(CORRESPONDENTS);
  const words = Array.from({ length: facts.wordCount }, () => body.pick(WORDS));
  const signer = facts.sent ? ctx.owner.name : correspondent.name;
  return {
    seed: `${mailbox.seed}/mime/${rec.seq}`,
    from: facts.sent ? ctx.owner : correspondent,
    to: [facts.sent ? correspondent : ctx.owner],
    date: new Date(facts.date),
    text: `Hello,\r\n\r\n${words.join(' ')}.\r\n\r\n-- \r\n${signer}\r\n`,
    attachments: facts.attachments,
    subject: seededSubject(mailbox.seed, rec.rootSeq, rec.rootSeq !== rec.seq),
    messageId: seededMessageIdHeader(rec.id, ctx.domain),
  };
}

/**
 * Builds a mailbox with its user labels and `messagesPerUser` compact message records. Content is
 * not generated here: reads regenerate it from the seed.
 */
export function seedMailbox(seed: string, ctx: MailboxSeedContext): Mailbox {
  const mailbox = new Mailbox(ctx.owner.address, seed, FIRST_HISTORY_ID);
  for (const name of ctx.spec.labels) {
    if (mailbox.labelByName(name)) continue;
    const id = mailbox.newLabelId();
    mailbox.labels.set(id, { id, name, messageListVisibility: 'show', labelListVisibility: 'labelShow' });
  }
  const total = ctx.spec.messagesPerUser;
  const userLabels = [...mailbox.labels.keys()];
  const roots = new Int32Array(total);
  const ids: string[] = new Array<string>(total);
  for (let seq = 0; seq < total; seq++) {
    const facts = seededFacts(mailbox, ctx, seq, total, userLabels);
    const rootSeq = facts.replyOffset > 0 ? (roots[seq - facts.replyOffset] ?? seq) : seq;
    roots[seq] = rootSeq;
    ids[seq] = facts.id;
    const threadId = ids[rootSeq] ?? facts.id;
    const size = estimateSize(facts, 30);
    mailbox.seedMessage(
      new MessageRecord(
        facts.id,
        threadId,
        facts.labelIds,
        facts.date,
        mailbox.bump(),
        size,
        seq,
        rootSeq,
        undefined,
      ),
    );
  }
  mailbox.historyFloor = mailbox.historyId;
  return mailbox;
}
