import { z } from 'zod';
import { instantField, text } from '../connectors/connector-fields';

const UUID = z.uuid({ error: 'must be a UUID' });

/** Body of POST /api/v1/orgs/{org}/migration/projects. Connector kinds and pairs are checked by the migration service. */
export const CreateProjectBody = z
  .object({
    name: text(100),
    sourceConnectorId: UUID,
    targetConnectorId: UUID,
    workloads: z
      .array(z.enum(['mail']))
      .min(1)
      .max(1),
    deletionPolicy: z.enum(['keep', 'mirror']).default('keep'),
    extraLabels: z.enum(['categories', 'ignore']).default('categories'),
  })
  .strict();
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;

/** Body of POST .../projects/{project}/passes: a full or delta pass, now or at `scheduledFor`. */
export const StartPassBody = z
  .object({
    kind: z.enum(['full', 'delta']),
    final: z.boolean().default(false),
    scheduledFor: instantField().optional(),
  })
  .strict();
export type StartPassBody = z.infer<typeof StartPassBody>;

/** `?offset=`: rows to skip. */
export const OffsetQuery = z
  .string()
  .regex(/^\d{1,9}$/, 'a whole number')
  .transform(Number)
  .default(0);
/** `?limit=`: rows per page, 1-1000 (default 100). */
export const LimitQuery = z
  .string()
  .regex(/^\d{1,4}$/)
  .transform(Number)
  .refine((n) => n >= 1 && n <= 1000)
  .default(100);
/** `?format=` of downloads: JSON (default) or CSV. */
export const FormatQuery = z.enum(['json', 'csv']).default('json');
/** `?mapping=` of a pass's progress: one mailbox. */
export const MappingQuery = UUID.optional();
