import { baseServiceSchema } from '@ferry/platform/config';

/** The mailrouting service's settings. */
export const configSchema = baseServiceSchema;
