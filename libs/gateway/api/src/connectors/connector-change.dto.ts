import { z } from 'zod';
import { instantField, nameField, pemField, projectTagField, secretField, text, workloadsField } from './connector-fields';

/**
 * Body of PATCH /api/v1/orgs/{org}/connectors/{id}. Absent fields stay as they are; `projectTag` ''
 * or null removes the tag. `expectedVersion` is the `version` the caller read: when the connector
 * changed since, nothing is applied and the answer is 409.
 */
export const UpdateConnectorBody = z
  .object({
    name: nameField().optional(),
    workloads: workloadsField().optional(),
    projectTag: projectTagField().nullable().optional(),
    expectedVersion: z.number().int().min(1).max(0xffff_ffff).optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.workloads !== undefined || b.projectTag !== undefined, {
    message: 'name, workloads or projectTag is required: nothing to change',
  });
export type UpdateConnectorBody = z.infer<typeof UpdateConnectorBody>;

/** Body of PUT /api/v1/orgs/{org}/connectors/{id}/secret: the new primary secret (write-only). */
export const RotateSecretBody = z
  .object({
    secret: secretField(),
    certificatePem: pemField().optional(),
    expiresAt: instantField().optional(),
  })
  .strict();
export type RotateSecretBody = z.infer<typeof RotateSecretBody>;

/** Body of POST /api/v1/orgs/{org}/connectors/{id}/test; may be omitted. */
export const TestConnectorBody = z
  .object({
    // An address: the mailbox a master-user login opens. Never logged or stored.
    sampleMailbox: text(320).optional(),
  })
  .strict()
  .default({});
export type TestConnectorBody = z.infer<typeof TestConnectorBody>;

/** `?project=` of DELETE /api/v1/orgs/{org}/connector-credentials: one tag, given once. */
export const ProjectQuery = text(64);

/** `?replace=` of PUT .../imap-users: replace every stored user, or add and update (the default). */
export const ReplaceQuery = z.enum(['true', 'false']).default('false');
