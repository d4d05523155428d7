import { WORKLOADS } from '@ferry/providers/core';
import { permissionFindings } from './connection-check';
import {
  applicationPermissionsFor,
  coverage,
  delegatedScopesFor,
  GRAPH_APPLICATION_PERMISSIONS,
  GRAPH_DELEGATED_SCOPES,
} from './graph-permissions';

const CLIENT = '6731de76-14a6-49ae-97bc-6eba6914391e';

describe('Graph permissions per workload', () => {
  it('names at least one application permission and one delegated scope for every workload', () => {
    for (const w of WORKLOADS) {
      expect(GRAPH_APPLICATION_PERMISSIONS[w].length).toBeGreaterThan(0);
      expect(GRAPH_DELEGATED_SCOPES[w].length).toBeGreaterThan(0);
    }
  });

  it('asks for no tenant-wide write permission beyond what migration writes', () => {
    const all = applicationPermissionsFor([...WORKLOADS]);
    expect(all).toEqual([
      'Mail.ReadWrite',
      'Calendars.ReadWrite',
      'Contacts.ReadWrite',
      'Files.ReadWrite.All',
      'User.Read.All',
      'Calendars.ReadBasic',
    ]);
    expect(all.some((p) => p.startsWith('Directory.') || p.startsWith('Sites.') || p === 'Mail.Send')).toBe(
      false,
    );
  });

  it('lists each permission once, in workload order', () => {
    expect(applicationPermissionsFor(['freebusy', 'calendar', 'freebusy'])).toEqual([
      'Calendars.ReadBasic',
      'Calendars.ReadWrite',
    ]);
    expect(delegatedScopesFor(['files', 'directory'])).toEqual(['Files.ReadWrite', 'User.Read']);
  });

  it('counts a broader granted permission as covering a narrower one, case-insensitively', () => {
    expect(coverage('Calendars.ReadBasic', ['calendars.readwrite'])).toEqual({
      covered: true,
      via: 'Calendars.ReadWrite',
    });
    expect(coverage('User.Read.All', ['User.Read.All'])).toEqual({ covered: true });
    expect(coverage('Mail.ReadWrite', ['Mail.Read'])).toEqual({ covered: false });
  });
});

describe('permissionFindings', () => {
  it('gives one finding per needed permission: ok when granted (or covered), missing with the console path otherwise', () => {
    const findings = permissionFindings(['mail', 'calendar', 'freebusy'], ['Calendars.ReadWrite'], CLIENT);
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['permission:Mail.ReadWrite', 'missing'],
      ['permission:Calendars.ReadWrite', 'ok'],
      ['permission:Calendars.ReadBasic', 'ok'],
    ]);
    expect(findings[0]?.remedy).toBe(
      `Entra admin center > App registrations > (the app with Application (client) ID ${CLIENT}) > API permissions > Add a permission > Microsoft Graph > Application permissions > Mail.ReadWrite, then Grant admin consent`,
    );
    expect(findings[2]?.detail).toBe('granted through the broader Calendars.ReadWrite (needed for freebusy)');
  });

  it('gives no permission findings when no workload is enabled', () => {
    expect(permissionFindings([], ['Mail.ReadWrite'], CLIENT)).toEqual([]);
  });
});
