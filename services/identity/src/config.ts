import { baseServiceSchema, withDatabase } from '@ferry/platform/config';

/** The identity service's settings: the base and its database. */
export const configSchema = withDatabase(baseServiceSchema);
