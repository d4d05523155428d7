import type { BaseServiceConfig } from '@ferry/platform/config';

/** Injection token of the service's validated configuration. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** The validated settings every service has (services extend the schema with their own). */
export type ServiceConfig = BaseServiceConfig;
