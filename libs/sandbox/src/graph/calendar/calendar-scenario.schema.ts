import { z } from 'zod';

/** A Microsoft tenant's `calendar` scenario section. */
export const calendarScenarioSchema = z.strictObject({
  /** Events seeded in each user's default calendar (a mix of single, all-day and recurring). */
  eventsPerUser: z.number().int().min(0).max(20_000).default(0),
  /** The Monday seeded events are laid out from (a fixed date keeps seeding deterministic). */
  anchorDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date')
    .default('2026-11-30'),
});

export type CalendarScenario = z.infer<typeof calendarScenarioSchema>;

/** Parses the section, naming the bad field (e.g. `microsoft.tenants[0].workloads.calendar.eventsPerUser`). */
export function parseCalendarScenario(section: unknown, where: string): CalendarScenario {
  const r = calendarScenarioSchema.safeParse(section ?? {});
  if (!r.success)
    throw new Error(
      `invalid sandbox scenario: ${r.error.issues.map((i) => `${where}.${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
