import type { WorkloadFactory } from '../../sandbox-context';
import { MessageContent } from './gmail-content';
import { gmailHistoryRoutes } from './gmail-history.routes';
import { gmailInspectRoutes } from './gmail-inspect.routes';
import { gmailLabelRoutes } from './gmail-labels.routes';
import { GmailMailboxes } from './gmail-mailboxes';
import { gmailMessageRoutes } from './gmail-messages.routes';
import { gmailUploadRoutes } from './gmail-upload.routes';

/**
 * Gmail API v1 (`/gmail/v1/users/:userId/...` and `/upload/gmail/v1/...`): profile, labels,
 * messages (list/get in every format, attachments, import/insert over every upload protocol,
 * modify, trash, delete) and history, seeded per Google tenant from its `gmail` section.
 */
export const gmailWorkload: WorkloadFactory = (ctx) => {
  const mailboxes = new GmailMailboxes(ctx);
  const content = new MessageContent(mailboxes);
  return {
    name: 'gmail',
    seed: () => mailboxes.seed(),
    routes: () => [
      ...gmailUploadRoutes(ctx, mailboxes, content),
      ...gmailHistoryRoutes(ctx, mailboxes),
      ...gmailLabelRoutes(ctx, mailboxes),
      ...gmailMessageRoutes(ctx, mailboxes, content),
      ...gmailInspectRoutes(ctx, mailboxes, content),
    ],
    summary: () => mailboxes.summary(),
  };
};
