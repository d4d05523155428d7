import { GeneratedContent } from '../../content/content-source';
import type { GoogleTenant } from '../../state/directory';
import { parseDriveScenario } from './drive-scenario.schema';
import { GOOGLE_DOC_MIME, seedDriveTenant } from './drive.seeder';
import { DriveTenantStore } from './drive.store';

function tenant(users: number): GoogleTenant {
  const t: GoogleTenant = {
    customerId: 'C0test',
    domain: 'fabrikam.example',
    adminUser: 'admin@fabrikam.example',
    serviceAccounts: new Map(),
    oauthClients: new Map(),
    users: new Map(),
    groups: new Map(),
  };
  const add = (email: string, isAdmin: boolean) =>
    t.users.set(email, {
      id: email,
      primaryEmail: email,
      givenName: 'G',
      familyName: 'F',
      isAdmin,
      suspended: false,
      orgUnitPath: '/',
      password: 'x',
    });
  add(t.adminUser, true);
  for (let i = 0; i < users; i++) add(`user${i}@fabrikam.example`, false);
  return t;
}

const seeded = (spec: unknown, users = 3): DriveTenantStore => {
  const store = new DriveTenantStore(tenant(users), 'spec-seed', () => Date.UTC(2026, 0, 1));
  seedDriveTenant(store, 'spec-seed', parseDriveScenario(spec, 'fabrikam.example'));
  return store;
};

describe('Drive seeding', () => {
  it('seeds a 5 GB file as generated content, instantly and without holding its bytes', () => {
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const store = seeded(
      { filesPerUser: 0, largeFiles: [{ user: 0, size: 5 * 1024 ** 3, name: 'big-5GB.bin' }] },
      20,
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    const big = [...store.all()].find((f) => f.name === 'big-5GB.bin');
    expect(big?.owner).toBe('user0@fabrikam.example');
    expect(big?.content).toBeInstanceOf(GeneratedContent);
    expect(big?.content?.size).toBe(5 * 1024 ** 3);
  });

  it('seeds 20 users x 2,000 files from metadata alone (about 0.5 s on an idle machine)', () => {
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const store = seeded({ filesPerUser: 2000, fileSizes: [1024, 65536, 1048576] }, 20);
    // Generous bound: CI machines run several suites at once.
    expect(performance.now() - started).toBeLessThan(8000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    expect([...store.all()].length).toBeGreaterThan(40_000);
  });

  it('is deterministic for the seed and mixes folders, Google Docs, shares and a shared drive', () => {
    const spec = { filesPerUser: 12, fileSizes: [1024, 327680] };
    const a = [...seeded(spec).all()].map((f) => [f.id, f.name, f.modifiedTime]);
    const b = [...seeded(spec).all()].map((f) => [f.id, f.name, f.modifiedTime]);
    expect(a).toEqual(b);
    const store = seeded(spec);
    const files = [...store.all()];
    expect(files.filter((f) => f.mimeType === GOOGLE_DOC_MIME).length).toBeGreaterThan(0);
    expect(files.some((f) => /[^\x20-\x7e]/.test(f.name))).toBe(true);
    expect(
      files.some(
        (f) =>
          f.owner === 'user0@fabrikam.example' && store.roleOf('user1@fabrikam.example', f) !== undefined,
      ),
    ).toBe(true);
    expect(store.drives.size).toBe(1);
    expect(files.filter((f) => f.driveId !== undefined && f.content).length).toBe(3);
  });

  it('names the bad field of an invalid section', () => {
    expect(() => parseDriveScenario({ filesPerUser: -1 }, 'fabrikam.example')).toThrow(/drive\.filesPerUser/);
    expect(() => seeded({ largeFiles: [{ user: 9, size: 10, name: 'x' }] })).toThrow(
      /drive\.largeFiles\.0\.user/,
    );
  });
});
