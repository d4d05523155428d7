import { z } from 'zod';

/** Graph's own ceiling for one file attachment (upload sessions accept up to 150 MB). */
const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;

/**
 * The `mail` section of a Microsoft tenant in a scenario: how many messages each mailbox holds,
 * how often they carry attachments and of which sizes, and how many extra nested folders to seed.
 */
export const mailScenarioSchema = z
  .object({
    messagesPerUser: z.number().int().min(0).max(1_000_000).default(0),
    /** Share of seeded messages with at least one attachment, 0..1. */
    attachmentRate: z.number().min(0).max(1).default(0),
    /** Attachment sizes in bytes; each attachment picks one. */
    attachmentSizes: z.array(z.number().int().min(0).max(MAX_ATTACHMENT_BYTES)).min(1).max(100).default([4096]),
    /** Extra generated user folders per mailbox, nested `folderDepth` deep under the Inbox. */
    extraFolders: z.number().int().min(0).max(1000).default(0),
    folderDepth: z.number().int().min(1).max(10).default(2),
  })
  .strict();

export type MailScenario = z.infer<typeof mailScenarioSchema>;

/** Parses one tenant's `mail` section; the error names the tenant and the offending field. */
export function parseMailScenario(section: unknown, where: string): MailScenario {
  const result = mailScenarioSchema.safeParse(section ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid sandbox scenario (graph-mail): ${issues}`);
  }
  return result.data;
}
