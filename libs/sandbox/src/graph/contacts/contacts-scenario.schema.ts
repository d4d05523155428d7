import { z } from 'zod';

/** A Microsoft tenant's `contacts` scenario section. */
export const contactsScenarioSchema = z.strictObject({
  /** Contacts seeded per user: most in the default Contacts folder, every fifth in a "Suppliers" subfolder. */
  contactsPerUser: z.number().int().min(0).max(50_000).default(0),
});

export type ContactsScenario = z.infer<typeof contactsScenarioSchema>;

/** Parses the section, naming the bad field (e.g. `microsoft.tenants[0].workloads.contacts.contactsPerUser`). */
export function parseContactsScenario(section: unknown, where: string): ContactsScenario {
  const r = contactsScenarioSchema.safeParse(section ?? {});
  if (!r.success)
    throw new Error(
      `invalid sandbox scenario: ${r.error.issues.map((i) => `${where}.${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
