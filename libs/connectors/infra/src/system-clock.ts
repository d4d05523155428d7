import type { Clock } from '@ferry/connectors/application';

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };
