import type { ScenarioInput } from '@ferry/sandbox';

/** Attachment sizes of the seeded Gmail messages (small, 64 KiB, 1 MiB): all travel inline to Graph. */
export const ATTACHMENT_SIZES = [2048, 65_536, 1_048_576];

/**
 * Two people in each cloud besides its administrator (Google seeds its admin on top of `users`; a
 * Microsoft tenant's first user is its admin): 15 Gmail messages per user, some with attachments,
 * spread over the system and user labels (the seed gives the mapped users mail in Trash, Spam and
 * starred); a few messages already in each Exchange Online mailbox, so Ferry's copies must be told
 * from the target's own.
 */
export const MIGRATION_SCENARIO: ScenarioInput = {
  name: 'e2e-mail-migration',
  seed: 'e2e-mail-2',
  microsoft: {
    tenants: [{ domain: 'contoso.example', users: 3, workloads: { mail: { messagesPerUser: 3 } } }],
  },
  google: {
    tenants: [
      {
        domain: 'fabrikam.example',
        users: 2,
        workloads: { gmail: { messagesPerUser: 15, attachmentRate: 0.4, attachmentSizes: ATTACHMENT_SIZES } },
      },
    ],
  },
};

/** A Gmail message as the sandbox's inspection API lists it. */
export interface GmailMessage {
  readonly id: string;
  readonly labelIds: readonly string[];
  readonly internalDate: number;
  readonly messageId: string;
  readonly origin: 'seeded' | 'landed';
}

/** An Exchange Online message as the sandbox's inspection API lists it. */
export interface ExchangeMessage {
  readonly id: string;
  readonly folderPath: string;
  readonly internetMessageId: string;
  readonly receivedDateTime: string;
  readonly isRead: boolean;
  readonly isDraft: boolean;
  readonly flag: { readonly flagStatus: string };
  readonly importance: string;
  readonly origin: 'seeded' | 'mime' | 'json';
  readonly extendedProperties: readonly { readonly id: string; readonly value: string }[];
  readonly attachments: readonly { readonly name: string; readonly size: number }[];
}

/** The sandbox's `/_sandbox` control plane (no auth, loopback only). */
export class SandboxInspector {
  constructor(private readonly inspect: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.inspect}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    // The path names a mailbox: the message says only which route refused.
    if (!res.ok)
      throw new Error(
        `sandbox inspection ${method} ${path.split('/').slice(0, 3).join('/')} answered ${res.status}`,
      );
    return (await res.json()) as T;
  }

  async gmail(user: string): Promise<GmailMessage[]> {
    return (
      await this.call<{ messages: GmailMessage[] }>(
        'GET',
        `/google/gmail/${encodeURIComponent(user)}/messages`,
      )
    ).messages;
  }

  /** Every message of an Exchange Online mailbox, the target's own included (`origin: 'seeded'`). */
  async exchange(user: string): Promise<ExchangeMessage[]> {
    const body = await this.call<{ total: number; value: ExchangeMessage[] }>(
      'GET',
      `/microsoft/mail/${encodeURIComponent(user)}/messages?limit=5000`,
    );
    if (body.total !== body.value.length) throw new Error('the mailbox holds more than one inspection page');
    return body.value;
  }

  /** The copies Ferry made in an Exchange Online mailbox. */
  async ferryCopies(user: string): Promise<ExchangeMessage[]> {
    return (await this.exchange(user)).filter((m) => m.origin !== 'seeded');
  }
}

/** The value of Ferry's idempotency key on a copy (Ferry's named property `FerryItemKey`). */
export function ferryItemKey(message: ExchangeMessage): string | undefined {
  return message.extendedProperties.find((p) => /name ferryitemkey$/i.test(p.id.trim()))?.value;
}

/** `Deleted Items` or a folder under it. */
export const inDeletedItems = (m: ExchangeMessage): boolean => /^Deleted Items(\/|$)/.test(m.folderPath);

/** A Gmail internalDate (ms) as Graph's second-precision receivedDateTime shows it. */
export const graphSeconds = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
