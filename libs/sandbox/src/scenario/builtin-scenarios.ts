import type { ScenarioInput } from './scenario.schema';

/**
 * Scenarios the runner knows by name. Workload sections are keyed by workload: Microsoft tenants
 * take `mail`, `calendar`, `contacts`, `drive`; Google tenants take `gmail`, `calendar`,
 * `contacts`, `drive` (each workload's README documents its fields).
 */
export const BUILTIN_SCENARIOS: Readonly<Record<string, ScenarioInput>> = {
  empty: {
    name: 'empty',
    microsoft: { tenants: [{ domain: 'contoso.example', users: 0 }] },
    google: { tenants: [{ domain: 'fabrikam.example', users: 0 }] },
  },
  default: {
    name: 'default',
    microsoft: {
      tenants: [
        {
          domain: 'contoso.example',
          users: 3,
          groups: 1,
          workloads: {
            mail: { messagesPerUser: 25, attachmentRate: 0.3, attachmentSizes: [2048, 65536, 1048576] },
            calendar: { eventsPerUser: 10 },
            contacts: { contactsPerUser: 5 },
            drive: { filesPerUser: 6, fileSizes: [1024, 327680, 2097152] },
          },
        },
      ],
    },
    google: {
      tenants: [
        {
          domain: 'fabrikam.example',
          users: 3,
          groups: 1,
          workloads: {
            gmail: { messagesPerUser: 25, attachmentRate: 0.3, attachmentSizes: [2048, 65536, 1048576] },
            calendar: { eventsPerUser: 10 },
            contacts: { contactsPerUser: 5 },
            drive: { filesPerUser: 6, fileSizes: [1024, 327680, 2097152] },
          },
        },
      ],
    },
  },
  // The seeding target: 20 users x 2,000 messages and one 5 GB drive file, on each cloud.
  'bench-mail': {
    name: 'bench-mail',
    throttle: { enabled: false, overrides: [] },
    microsoft: {
      tenants: [
        {
          domain: 'contoso.example',
          users: 20,
          workloads: {
            mail: { messagesPerUser: 2000, attachmentRate: 0.2, attachmentSizes: [8192, 65536, 262144] },
            drive: { filesPerUser: 0, largeFiles: [{ user: 0, size: 5 * 1024 ** 3, name: 'big-5GB.bin' }] },
          },
        },
      ],
    },
    google: {
      tenants: [
        {
          domain: 'fabrikam.example',
          users: 20,
          workloads: {
            gmail: { messagesPerUser: 2000, attachmentRate: 0.2, attachmentSizes: [8192, 65536, 262144] },
            drive: { filesPerUser: 0, largeFiles: [{ user: 0, size: 5 * 1024 ** 3, name: 'big-5GB.bin' }] },
          },
        },
      ],
    },
  },
};
