import type { MailAddress } from '../../content/seeded-mime';
import { Rng, seededExchangeId } from '../../scenario/deterministic';
import type { MicrosoftUser } from '../../state/directory';
import { Mailbox, WELL_KNOWN_FOLDERS, type MailboxProfile, type MailFolderRecord, type MessageRecord, type WellKnownFolder } from './mail.store';
import type { MailScenario } from './mail-scenario.schema';

/** Seeded mail is dated backwards from here, so the same seed gives the same dates on any day. */
export const SEED_EPOCH_MS = Date.UTC(2026, 0, 1);
const TWO_YEARS_MS = 2 * 365 * 86_400_000;

/** User folders every mailbox gets: non-ASCII, reserved characters and a name with a slash in it. */
const TRICKY_ROOT_FOLDERS = ['A&B <test>', '日本語', 'Projets/été'];

export interface MailboxSeed {
  readonly tenantId: string;
  readonly domain: string;
  readonly user: MicrosoftUser;
  /** `${scenario seed}/ms/${tenant index}/mail/${user index}`: every generated value derives from it. */
  readonly key: string;
  readonly peers: readonly MailAddress[];
  readonly scenario: MailScenario;
}

/** Creates a mailbox with the well-known folders and the seeded user folders, but no messages. */
export function createMailbox(s: MailboxSeed): Mailbox {
  const profile: MailboxProfile = { key: s.key, owner: { name: s.user.displayName, address: s.user.mail }, peers: s.peers, domain: s.domain, scenario: s.scenario };
  const mailbox = new Mailbox(s.tenantId, s.user.id, profile);
  const fid = (path: string) => seededExchangeId(`${s.key}/folder/${path}`);
  const add = (parent: MailFolderRecord | null, name: string, path: string, wellKnown?: WellKnownFolder): MailFolderRecord => {
    const f = mailbox.addFolder(parent, name, { id: fid(path), ...(wellKnown ? { wellKnown } : {}) });
    if (f === 'exists') throw new Error(`seeded folder ${path} twice`);
    return f;
  };
  const root = add(null, 'Top of Information Store', '', 'msgfolderroot');
  for (const [name, display] of Object.entries(WELL_KNOWN_FOLDERS)) add(root, display, name, name as WellKnownFolder);
  for (const name of TRICKY_ROOT_FOLDERS) add(root, name, `root/${name}`);
  const inbox = mailbox.folder('inbox');
  if (!inbox) throw new Error('no inbox');
  const projets = add(inbox, 'Projets', 'inbox/Projets');
  add(projets, 'été', 'inbox/Projets/été');
  for (let i = 0; i < s.scenario.extraFolders; i++) {
    let parent = inbox;
    for (let d = 0; d < s.scenario.folderDepth; d++) {
      const name = d === 0 ? `Folder ${i + 1}` : `Level ${d + 1}`;
      const existing = parent.childIds.map((c) => mailbox.folders.get(c)).find((f) => f?.displayName === name);
      parent = existing ?? add(parent, name, `inbox/x${i}/${d}`);
    }
  }
  mailbox.changeSeq = 1;
  return mailbox;
}

/**
 * Seeds `count` compact message records (no text, no MIME: content is regenerated from the seed on
 * read). Placement: mostly Inbox, some Sent Items, user folders, Deleted Items and Drafts.
 */
export function seedMessages(mailbox: Mailbox, count: number): void {
  const userFolders = [...mailbox.folders.values()].filter((f) => !f.wellKnown);
  const inbox = mailbox.wellKnown.get('inbox');
  const sent = mailbox.wellKnown.get('sentitems');
  const deleted = mailbox.wellKnown.get('deleteditems');
  const drafts = mailbox.wellKnown.get('drafts');
  if (!inbox || !sent || !deleted || !drafts) throw new Error('mailbox without well-known folders');
  const rng = new Rng(`${mailbox.profile.key}/placement`);
  const gap = Math.max(60_000, Math.min(6 * 3_600_000, Math.floor(TWO_YEARS_MS / Math.max(1, count))));
  for (let seq = 0; seq < count; seq++) {
    const r = rng.next();
    const folder = r < 0.7 ? inbox : r < 0.85 ? sent : r < 0.95 && userFolders.length > 0 ? (userFolders[seq % userFolders.length] ?? inbox) : r < 0.98 ? deleted : drafts;
    const receivedMs = SEED_EPOCH_MS - seq * gap - Math.floor(rng.next() * (gap / 2));
    const record: MessageRecord = {
      id: seededExchangeId(`${mailbox.profile.key}/m/${seq}`),
      folder,
      seq,
      receivedMs,
      lastModifiedMs: receivedMs,
      changeSeq: 0,
      isRead: folder === inbox ? rng.chance(0.8) : true,
      isDraft: folder === drafts,
    };
    mailbox.appendSeeded(record);
  }
}
