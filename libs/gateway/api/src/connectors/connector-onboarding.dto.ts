import { z } from 'zod';
import { nameField, projectTagField, text, workloadsField } from './connector-fields';

/** Body of POST /api/v1/orgs/{org}/connectors/consent: the Microsoft 365 connector to create pending consent. */
export const StartConsentBody = z
  .object({
    name: nameField(),
    workloads: workloadsField(),
    projectTag: projectTagField().optional(),
  })
  .strict();
export type StartConsentBody = z.infer<typeof StartConsentBody>;

/** Body of POST /api/v1/orgs/{org}/connectors/{id}/delegations; may be omitted. */
export const StartDelegationBody = z
  .object({
    // The account the grant is for: preselected at the provider and required on the way back. Never logged.
    loginHint: text(320).optional(),
  })
  .strict()
  .default({});
export type StartDelegationBody = z.infer<typeof StartDelegationBody>;
