import { baseServiceSchema } from '@ferry/platform/config';

/** The gateway service's settings. */
export const configSchema = baseServiceSchema;
