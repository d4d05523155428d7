import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKLOADS } from '@ferry/providers/core';
import {
  GOOGLE_DELEGATED_USER_SCOPES,
  GOOGLE_DELEGATION_SCOPES,
  GOOGLE_DIRECTORY_USER_READONLY_SCOPE,
  googleDelegationScopesFor,
} from './google-scopes';

const AUTH = 'https://www.googleapis.com/auth/';

describe('Google scope tables', () => {
  it('names least-privilege scopes for every workload', () => {
    expect(GOOGLE_DELEGATION_SCOPES).toEqual({
      mail: [`${AUTH}gmail.modify`],
      calendar: [
        `${AUTH}calendar.events.owned`,
        `${AUTH}calendar.calendars`,
        `${AUTH}calendar.calendarlist.readonly`,
      ],
      contacts: [`${AUTH}contacts`],
      files: [`${AUTH}drive`],
      directory: [`${AUTH}admin.directory.user.readonly`, `${AUTH}admin.directory.group.readonly`],
      freebusy: [`${AUTH}calendar.freebusy`],
    });
    expect(Object.keys(GOOGLE_DELEGATION_SCOPES).sort()).toEqual([...WORKLOADS].sort());
  });

  it('never asks for permanent mail deletion, full calendar access or write access to the directory', () => {
    const all = Object.values(GOOGLE_DELEGATION_SCOPES).flat();
    expect(all).not.toContain('https://mail.google.com/');
    expect(all).not.toContain(`${AUTH}calendar`);
    expect(all.filter((s) => s.includes('admin.directory') && !s.endsWith('.readonly'))).toEqual([]);
  });

  it('gives users the same workload scopes, except the directory, which only the service account reads', () => {
    for (const workload of WORKLOADS) {
      expect(GOOGLE_DELEGATED_USER_SCOPES[workload]).toEqual(
        workload === 'directory' ? [] : GOOGLE_DELEGATION_SCOPES[workload],
      );
    }
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(GOOGLE_DELEGATION_SCOPES)).toBe(true);
    expect(Object.isFrozen(GOOGLE_DELEGATION_SCOPES.mail)).toBe(true);
  });
});

describe('googleDelegationScopesFor', () => {
  it('always starts with the directory user read scope and lists each scope once', () => {
    expect(googleDelegationScopesFor([])).toEqual([GOOGLE_DIRECTORY_USER_READONLY_SCOPE]);
    expect(googleDelegationScopesFor(['freebusy', 'directory', 'freebusy'])).toEqual([
      GOOGLE_DIRECTORY_USER_READONLY_SCOPE,
      `${AUTH}calendar.freebusy`,
      `${AUTH}admin.directory.group.readonly`,
    ]);
    const all = googleDelegationScopesFor(WORKLOADS);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(9);
  });

  it('refuses an unknown workload as invalid-input', () => {
    expect(() => googleDelegationScopesFor(['mail', 'fax'])).toThrow(
      expect.objectContaining({ code: 'invalid-input' }) as Error,
    );
  });
});

describe('the operator README', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

  it('gives the exact scope line to paste for every workload at once', () => {
    expect(readme).toContain(`\n${googleDelegationScopesFor(WORKLOADS).join(',')}\n`);
  });

  it.each(WORKLOADS)('lists the %s scopes as the table defines them', (workload) => {
    const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const row = new RegExp(
      `\\|\\s*${workload}\\s*\\|\\s*\`${escape(GOOGLE_DELEGATION_SCOPES[workload].join(','))}\`\\s*\\|`,
    );
    expect(readme).toMatch(row);
  });
});
