import { z } from 'zod';
import { latencySchema } from '../faults/fault-rules';
import { LIMIT_NAMES, type LimitName } from '../throttle/limits';

const limitSpecSchema = z.object({
  rate: z.object({ count: z.number().positive(), perSeconds: z.number().positive() }).optional(),
  concurrent: z.number().int().positive().optional(),
  uploadBytes: z.object({ bytes: z.number().positive(), perSeconds: z.number().positive() }).optional(),
});

export const limitOverrideSchema = z.object({
  limit: z.enum(LIMIT_NAMES as [LimitName, ...LimitName[]]),
  tenant: z.string().optional(),
  app: z.string().optional(),
  user: z.string().optional(),
  spec: limitSpecSchema,
});

const domainName = z
  .string()
  .min(3)
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'a lower-case DNS domain');

/**
 * Workload sections (mail, calendar, drive, contacts, ...) are validated by each workload's own
 * schema; here they are only required to be objects.
 */
const workloads = z.record(z.string(), z.record(z.string(), z.unknown())).default({});

const tenantSchema = z.object({
  domain: domainName,
  users: z.number().int().min(0).max(100_000),
  groups: z.number().int().min(0).max(10_000).default(0),
  workloads,
});

/** One cloud's tenants; without the section, one tenant with three users and a group. */
const cloudSchema = (defaultDomain: string) =>
  z.object({ tenants: z.array(tenantSchema).min(1).max(10) }).default({ tenants: [{ domain: defaultDomain, users: 3, groups: 1, workloads: {} }] });

export const scenarioSchema = z.object({
  name: z.string().min(1).max(100),
  /** Everything generated derives from this, so the same scenario always yields the same tenants. */
  seed: z.string().min(1).max(200).default('ferry'),
  microsoft: cloudSchema('contoso.example'),
  google: cloudSchema('fabrikam.example'),
  throttle: z
    .object({ enabled: z.boolean().default(true), overrides: z.array(limitOverrideSchema).max(1000).default([]) })
    .default({ enabled: true, overrides: [] }),
  /** Latency added to every request, before any injected fault's. */
  latency: latencySchema.optional(),
  /** Bytes of uploaded content kept for read-back; past it only digests are kept. */
  retainContentBytes: z.number().int().min(0).max(8 * 1024 ** 3).default(256 * 1024 * 1024),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type MicrosoftTenantSpec = Scenario['microsoft']['tenants'][number];
export type GoogleTenantSpec = Scenario['google']['tenants'][number];

/** Parses a scenario, naming the offending field on failure. */
export function parseScenario(input: unknown): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid sandbox scenario: ${issues}`);
  }
  return result.data;
}
