import { z } from 'zod';

/** The user labels every seeded mailbox gets unless the scenario names its own. */
export const DEFAULT_SEEDED_LABELS = [
  'Projets',
  'Projets/été',
  'A&B <x>',
  '日本語',
  'Receipts',
  'Receipts/2024',
  'Travel',
] as const;

/** A Google tenant's `workloads.gmail` section. */
export const gmailScenarioSchema = z.object({
  messagesPerUser: z.number().int().min(0).max(1_000_000).default(0),
  /** Share of messages that carry attachments, 0..1. */
  attachmentRate: z.number().min(0).max(1).default(0),
  /** Attachment sizes in bytes; each attachment picks one. */
  attachmentSizes: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(150 * 1024 * 1024),
    )
    .max(100)
    .default([4096]),
  /** User labels seeded in every mailbox; '/' in a name nests it. */
  labels: z
    .array(z.string().min(1).max(225))
    .max(500)
    .default([...DEFAULT_SEEDED_LABELS]),
  /** Share of messages that get one of the user labels, 0..1. */
  userLabelRate: z.number().min(0).max(1).default(0.3),
});

export type GmailScenario = z.infer<typeof gmailScenarioSchema>;

/** Parses a tenant's section; a bad field fails with its path named. */
export function parseGmailScenario(section: unknown, domain: string): GmailScenario {
  const result = gmailScenarioSchema.safeParse(section ?? {});
  if (!result.success) {
    const issues = result.error.issues
      .map((i) => `gmail.${i.path.join('.') || '(section)'}: ${i.message}`)
      .join('; ');
    throw new Error(`invalid sandbox scenario for Google tenant ${domain}: ${issues}`);
  }
  return result.data;
}
