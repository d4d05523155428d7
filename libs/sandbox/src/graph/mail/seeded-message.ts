import type { MailAddress, SeededAttachment, SeededMessageSpec } from '../../content/seeded-mime';
import { Rng, seededExchangeId, seededHex } from '../../scenario/deterministic';
import type { MailboxProfile, MessageRecord } from './mail.store';

// Subjects mix scripts and punctuation on purpose: migrations break on exactly these.
const TOPICS = ['Budget 2026', 'Réunion d’équipe', 'Quarterly review', '会議の議事録', 'Angebot & Vertrag', 'Invoice #4711', 'Ünïcödé test', 'Re: offsite <plans>', 'Привет из Москвы', 'Lunch?'];
const SENTENCES = [
  'Please find the details below.',
  'Merci de confirmer avant vendredi.',
  'Let me know if anything is missing.',
  'Die Unterlagen folgen separat.',
  'よろしくお願いします。',
  'Numbers are in the attached sheet.',
];
const FILE_KINDS = [
  { ext: 'pdf', type: 'application/pdf' },
  { ext: 'png', type: 'image/png' },
  { ext: 'xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { ext: 'txt', type: 'text/plain' },
];

/** What a seeded message looks like beyond its record: regenerated from the seed on every read. */
export interface SeededView {
  readonly spec: SeededMessageSpec;
  readonly importance: 'low' | 'normal' | 'high';
  readonly conversationId: string;
  readonly attachmentIds: readonly string[];
}

/** Regenerates a seeded message's content from its mailbox profile and sequence number (a few hashes; no stored text). */
export function seededView(profile: MailboxProfile, record: MessageRecord): SeededView {
  const seed = `${profile.key}/m/${record.seq}`;
  const rng = new Rng(seed);
  const outgoing = record.folder.wellKnown === 'sentitems' || record.folder.wellKnown === 'drafts';
  const peer: MailAddress = profile.peers.length > 0 ? rng.pick(profile.peers) : { name: 'External Sender', address: `sender@external.example` };
  const topic = rng.pick(TOPICS);
  const lines = Array.from({ length: rng.int(1, 4) }, () => rng.pick(SENTENCES));
  const attachments: SeededAttachment[] = [];
  if (rng.chance(profile.scenario.attachmentRate)) {
    const count = rng.int(1, 2);
    for (let i = 0; i < count; i++) {
      const kind = rng.pick(FILE_KINDS);
      attachments.push({ filename: `${topic.replace(/[^\p{L}\p{N} ]/gu, '').trim() || 'file'}-${i + 1}.${kind.ext}`, contentType: kind.type, size: rng.pick(profile.scenario.attachmentSizes) });
    }
  }
  const importance = rng.chance(0.1) ? 'high' : rng.chance(0.05) ? 'low' : 'normal';
  return {
    spec: {
      seed,
      from: outgoing ? profile.owner : peer,
      to: [outgoing ? peer : profile.owner],
      subject: `${topic} (${record.seq + 1})`,
      date: new Date(record.receivedMs),
      messageId: `<${seededHex(seed, 24)}@${profile.domain}>`,
      text: `${lines.join('\n')}\n`,
      attachments,
    },
    importance,
    conversationId: seededExchangeId(`${profile.key}/conv/${topic}`).replace(/^AAMkAG/, 'AAQkAG'),
    attachmentIds: attachments.map((_a, i) => seededExchangeId(`${seed}/att/${i}`)),
  };
}
