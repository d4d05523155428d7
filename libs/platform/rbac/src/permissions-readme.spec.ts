import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERMISSIONS, type Permission, ROLE_PERMISSIONS } from './permissions';
import { ROLES } from './roles';

// The README's role table is what operators and security reviewers read; it must say what the code does.
describe("the README's role table", () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const table = /<!-- rbac-table[^>]*-->\n([\s\S]*?)<!-- \/rbac-table -->/.exec(readme)?.[1] ?? '';
  const rows = table.split('\n').filter((l) => l.startsWith('| `'));

  it('lists the roles as columns in catalogue order', () => {
    expect(table.split('\n')[0]).toBe(`| permission | what it allows | ${ROLES.join(' | ')} |`);
  });

  it('has one row per permission with the code\'s grants', () => {
    expect(rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1])).toEqual(Object.keys(PERMISSIONS));
    for (const row of rows) {
      const cells = row.split('|').slice(1, -1).map((c) => c.trim());
      const permission = cells[0]!.replaceAll('`', '') as Permission;
      const granted = ROLES.filter((_, i) => cells[2 + i] === 'yes');
      expect({ permission, granted }).toEqual({ permission, granted: ROLES.filter((r) => ROLE_PERMISSIONS[r].includes(permission)) });
    }
  });
});
