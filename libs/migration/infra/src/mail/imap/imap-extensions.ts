import type { ImapFlow } from 'imapflow';

/** What a session can do for change feeds. */
export interface ImapFeatures {
  /** CONDSTORE enabled: MODSEQ per message, HIGHESTMODSEQ per folder, CHANGEDSINCE, SEARCH MODSEQ. */
  readonly condstore: boolean;
  /** QRESYNC enabled: expunged UIDs reported as VANISHED. */
  readonly qresync: boolean;
}

/** The one imapflow member used beyond its typed API; see {@link enableQresync}. */
interface ImapFlowCommands {
  run(command: 'ENABLE', extensions: string[]): Promise<Set<string> | false | undefined>;
}

function hasRun(session: unknown): session is ImapFlowCommands {
  return typeof (session as { run?: unknown }).run === 'function';
}

/**
 * Sends `ENABLE QRESYNC` on a new session when the server offers it. imapflow enables QRESYNC only when the
 * client was built with `qresync: true`, which `openImapSession` (in @ferry/providers/imap) does not set;
 * until it does, this calls imapflow's internal `run('ENABLE')`, the same call its own connect() makes.
 * When the method is missing (another imapflow) the session simply goes without QRESYNC, and removals
 * are then found by comparing UIDs (see the change feed).
 */
export async function enableQresync(session: ImapFlow): Promise<void> {
  if (session.enabled.has('QRESYNC') || !session.capabilities.has('QRESYNC') || !hasRun(session)) return;
  await session.run('ENABLE', ['QRESYNC']);
}

/** The session's features, limited to what the adapter was told to use. */
export function featuresOf(
  session: ImapFlow,
  allowed: { condstore: boolean; qresync: boolean },
): ImapFeatures {
  const condstore = allowed.condstore && session.enabled.has('CONDSTORE');
  return { condstore, qresync: condstore && allowed.qresync && session.enabled.has('QRESYNC') };
}
