import { parseMailScenario } from './mail-scenario.schema';

describe('parseMailScenario', () => {
  it('accepts the built-in scenarios’ fields and fills defaults', () => {
    expect(parseMailScenario({ messagesPerUser: 25, attachmentRate: 0.3, attachmentSizes: [2048, 65536, 1048576] }, 'w')).toEqual({ messagesPerUser: 25, attachmentRate: 0.3, attachmentSizes: [2048, 65536, 1048576], extraFolders: 0, folderDepth: 2 });
    expect(parseMailScenario(undefined, 'w').messagesPerUser).toBe(0);
  });

  it('names the tenant and field on bad input, and refuses unknown fields', () => {
    expect(() => parseMailScenario({ attachmentRate: 2 }, 'microsoft.tenants[0].workloads.mail')).toThrow(/microsoft\.tenants\[0\]\.workloads\.mail\.attachmentRate/);
    expect(() => parseMailScenario({ messagesPerUser: -1 }, 'x')).toThrow(/x\.messagesPerUser/);
    expect(() => parseMailScenario({ mesagesPerUser: 3 }, 'x')).toThrow(/mesagesPerUser/);
  });
});
