import type { AccessProvider, MailAdapters, MailSource, MailTarget, ThrottleGovernor } from '@ferry/migration/application';
import type { MailSystem } from '@ferry/migration/domain';
import { createOutboundAgent, DestinationPolicy } from '@ferry/platform/net';
import { createOutboundFetch, createStreamingTransport } from '@ferry/providers/core';
import { GmailSource } from '../mail/gmail/gmail.source.adapter';
import { GmailTarget } from '../mail/gmail/gmail.target.adapter';
import { GraphMailSource } from '../mail/graph/graph-mail.source.adapter';
import { GraphMailTarget } from '../mail/graph/graph-mail.target.adapter';
import { ImapMailSource } from '../mail/imap/imap.source.adapter';
import { TracedMailTarget } from './traced-mail.target';

/** Where the providers are and what Ferry may dial. */
export interface MailAdapterSettings {
  readonly graphOrigin: string;
  readonly googleApiRoot: string;
  readonly outbound: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  /** Messages at or below this size are handled in memory in one pass. */
  readonly smallMessageBytes: number;
}

/**
 * The mail adapters of one worker: one source and one target per system, sharing the SSRF policy,
 * the pinned agent, the token cache and the throttle governor. IMAP is a source only.
 */
export class MailAdapterRegistry implements MailAdapters {
  private readonly sources: Record<MailSystem, MailSource>;
  private readonly targets: Partial<Record<MailSystem, MailTarget>>;

  constructor(settings: MailAdapterSettings, access: AccessProvider, governor: ThrottleGovernor) {
    const policy = new DestinationPolicy({ allow: [...settings.outbound.allow], extraDeny: [...settings.outbound.deny] });
    const agent = createOutboundAgent(policy);
    const fetch = createOutboundFetch({ policy, agent, timeoutMs: 60_000 });
    const transport = createStreamingTransport({ policy, agent });
    const graph = { access, governor, fetch, transport, endpoints: { authorityHost: 'https://login.microsoftonline.com', graphOrigin: settings.graphOrigin } };
    const gmail = { access, governor, fetch, transport, endpoints: { apiRoot: settings.googleApiRoot, authUri: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUri: 'https://oauth2.googleapis.com/token' } };
    this.sources = {
      microsoft: new GraphMailSource(graph),
      google: new GmailSource(gmail),
      imap: new ImapMailSource({ access, governor, policy }),
    };
    this.targets = {
      microsoft: new TracedMailTarget(new GraphMailTarget(graph, { heldAttachmentBytes: settings.smallMessageBytes })),
      google: new TracedMailTarget(new GmailTarget(gmail)),
    };
  }

  source(system: MailSystem): MailSource {
    return this.sources[system];
  }

  target(system: MailSystem): MailTarget {
    const target = this.targets[system];
    if (!target) throw new Error(`${system} is not a supported mail target`);
    return target;
  }
}
