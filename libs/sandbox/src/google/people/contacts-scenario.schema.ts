import { z } from 'zod';

/** A Google tenant's `contacts` section: how many contacts each user has. */
export const contactsScenarioSchema = z.object({
  contactsPerUser: z.number().int().min(0).max(50_000).default(0),
});

export type ContactsScenario = z.infer<typeof contactsScenarioSchema>;

export function parseContactsScenario(section: unknown, where: string): ContactsScenario {
  const r = contactsScenarioSchema.safeParse(section ?? {});
  if (!r.success) throw new Error(`invalid sandbox scenario: ${where}.contacts: ${r.error.issues.map((i) => `${i.path.join('.') || '(section)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
