import { BUILTIN_SCENARIOS } from '../../scenario/builtin-scenarios';
import { parseDriveScenario } from './drive-scenario.schema';

describe('the drive scenario section', () => {
  it('accepts every built-in scenario\'s drive section', () => {
    for (const s of Object.values(BUILTIN_SCENARIOS)) {
      for (const t of s.microsoft?.tenants ?? []) expect(() => parseDriveScenario(t.workloads?.['drive'], t.domain)).not.toThrow();
    }
  });

  it('fills defaults for an absent section', () => {
    expect(parseDriveScenario(undefined, 'contoso.example')).toMatchObject({ filesPerUser: 0, largeFiles: [] });
  });

  it('names the tenant and the offending field', () => {
    expect(() => parseDriveScenario({ filesPerUser: -1 }, 'contoso.example')).toThrow(/contoso\.example.*drive\.filesPerUser/);
    expect(() => parseDriveScenario({ largeFiles: [{ user: 0, size: 10, name: 'a:b.bin' }] }, 'x.example')).toThrow(/drive\.largeFiles\.0\.name/);
    expect(() => parseDriveScenario({ filesPerUsr: 3 }, 'x.example')).toThrow(/filesPerUsr/);
  });
});
