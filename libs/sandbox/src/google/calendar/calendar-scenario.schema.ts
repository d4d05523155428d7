import { z } from 'zod';

/**
 * A Google tenant's `calendar` section: how many events each user's primary calendar gets.
 * `anchor` is the Monday the seeded year starts on (fixed, so seeding stays deterministic).
 */
export const calendarScenarioSchema = z.object({
  eventsPerUser: z.number().int().min(0).max(20_000).default(0),
  anchor: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date')
    .default('2026-01-05'),
});

export type CalendarScenario = z.infer<typeof calendarScenarioSchema>;

export function parseCalendarScenario(section: unknown, where: string): CalendarScenario {
  const r = calendarScenarioSchema.safeParse(section ?? {});
  if (!r.success) throw new Error(`invalid sandbox scenario: ${where}.calendar: ${r.error.issues.map((i) => `${i.path.join('.') || '(section)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
