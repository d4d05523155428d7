import { seededGuid } from '../../scenario/deterministic';
import type { MicrosoftTenant } from '../../state/directory';
import { parseDriveScenario } from './drive-scenario.schema';
import { seedTenantDrives } from './drive.seeder';
import { DriveStore } from './drive.store';

function tenant(users: number): MicrosoftTenant {
  const t: MicrosoftTenant = { tenantId: seededGuid('t'), domain: 'contoso.example', apps: new Map(), users: new Map(), groups: new Map() };
  for (let i = 0; i < users; i++) {
    const id = seededGuid(`u${i}`);
    t.users.set(id, { id, userPrincipalName: `u${i}@contoso.example`, mail: `u${i}@contoso.example`, displayName: `U ${i}`, givenName: 'U', surname: String(i), jobTitle: null, accountEnabled: true, password: 'x' });
  }
  return t;
}

const spec = parseDriveScenario({ filesPerUser: 2000, fileSizes: [1024, 1_048_576], largeFiles: [{ user: 0, size: 5 * 1024 ** 3, name: 'big-5GB.bin' }] }, 'contoso.example');

describe('drive seeding', () => {
  it('seeds 20 users x 2,000 files and a 5 GB file storing only metadata, in well under a few seconds', () => {
    const store = new DriveStore();
    // CPU time, not wall time: other test runs share the machine.
    const started = process.cpuUsage();
    seedTenantDrives(store, tenant(20), 0, 'bench', spec);
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(3000);
    let files = 0;
    const ids = new Set<string>();
    for (const d of store.drives.values()) for (const i of d.items.values()) {
      ids.add(i.id);
      if (!i.folder) files++;
    }
    expect(ids.size).toBe([...store.drives.values()].reduce((n, d) => n + d.items.size, 0));
    expect(files).toBe(20 * 2000 + 1);
    const first = [...store.drives.values()][0];
    expect(first && store.sizeOf(first, store.root(first))).toBeGreaterThan(5 * 1024 ** 3);
  });

  it('is deterministic for the seed', () => {
    const a = new DriveStore();
    const b = new DriveStore();
    seedTenantDrives(a, tenant(3), 0, 's', spec);
    seedTenantDrives(b, tenant(3), 0, 's', spec);
    const paths = (s: DriveStore) => [...s.drives.values()].flatMap((d) => [...d.items.values()].map((i) => `${d.id}${s.pathOf(d, i)}:${i.content?.size ?? -1}`));
    expect(paths(a)).toEqual(paths(b));
  });

  it('refuses a large file for a user the tenant does not have', () => {
    const bad = parseDriveScenario({ largeFiles: [{ user: 5, size: 1, name: 'x.bin' }] }, 'contoso.example');
    expect(() => seedTenantDrives(new DriveStore(), tenant(2), 0, 's', bad)).toThrow(/drive\.largeFiles\.0\.user/);
  });
});
