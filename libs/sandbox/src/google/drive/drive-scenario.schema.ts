import { z } from 'zod';

/** One very large seeded file (the 5 GB benchmark file): generated from the seed, never stored. */
const largeFileSchema = z.object({
  /** Index of the owning user in the tenant's seeded user list (0 = the first seeded user). */
  user: z.number().int().min(0),
  size: z
    .number()
    .int()
    .min(0)
    .max(5 * 1024 ** 4),
  name: z.string().min(1).max(255),
});

/** The `drive` section of a Google tenant's `workloads`. */
export const driveScenarioSchema = z.object({
  filesPerUser: z.number().int().min(0).max(100_000).default(0),
  /** Sizes in bytes, used in turn for the seeded binary files. */
  fileSizes: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(1024 ** 4),
    )
    .max(100)
    .default([1024]),
  largeFiles: z.array(largeFileSchema).max(100).default([]),
});

export type DriveScenario = z.infer<typeof driveScenarioSchema>;

/** Parses a tenant's `drive` section, naming the bad field on failure. */
export function parseDriveScenario(section: unknown, domain: string): DriveScenario {
  const result = driveScenarioSchema.safeParse(section ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `drive.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid google-drive scenario for ${domain}: ${issues}`);
  }
  return result.data;
}
