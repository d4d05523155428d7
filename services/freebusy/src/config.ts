import { baseServiceSchema } from '@ferry/platform/config';

/** The freebusy service's settings. */
export const configSchema = baseServiceSchema;
