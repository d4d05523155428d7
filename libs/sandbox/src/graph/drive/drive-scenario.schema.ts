import { z } from 'zod';
import { invalidNameReason } from './drive-names';

/** OneDrive's largest file (250 GB); seeded sizes cost nothing, so any documented size is allowed. */
const MAX_FILE_BYTES = 250 * 1024 ** 3;

/**
 * The `drive` section of a Microsoft tenant in a scenario: how many files each user's OneDrive
 * holds, the sizes they are picked from, and large files placed in a given user's root.
 */
export const driveScenarioSchema = z
  .object({
    filesPerUser: z.number().int().min(0).max(100_000).default(0),
    /** Sizes in bytes; each seeded file picks one. */
    fileSizes: z.array(z.number().int().min(0).max(MAX_FILE_BYTES)).min(1).max(100).default([1024, 327_680, 2_097_152]),
    largeFiles: z
      .array(
        z.object({
          /** Index of the user in the tenant (0 = the first seeded user). */
          user: z.number().int().min(0),
          size: z.number().int().min(0).max(MAX_FILE_BYTES),
          name: z.string().superRefine((name, c) => {
            const reason = invalidNameReason(name);
            if (reason) c.addIssue({ code: 'custom', message: reason });
          }),
        }),
      )
      .max(1000)
      .default([]),
    /** Share of seeded files shared with another user of the tenant. */
    sharedRate: z.number().min(0).max(1).default(0.2),
  })
  .strict();

export type DriveScenario = z.infer<typeof driveScenarioSchema>;

/** Parses one tenant's `drive` section; the error names the tenant and the offending field. */
export function parseDriveScenario(section: unknown, tenantDomain: string): DriveScenario {
  const r = driveScenarioSchema.safeParse(section ?? {});
  if (!r.success) {
    const issues = r.error.issues.map((i) => `drive.${i.path.join('.') || '(section)'}: ${i.message}`).join('; ');
    throw new Error(`invalid sandbox scenario for Microsoft tenant ${tenantDomain}: ${issues}`);
  }
  return r.data;
}
