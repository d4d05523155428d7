import { ProviderError, type Workload, isWorkload } from '@ferry/providers/core';

const AUTH = 'https://www.googleapis.com/auth/';

/** Lets Ferry list the domain's users: every connection needs it to map users, and the connection test uses it. */
export const GOOGLE_DIRECTORY_USER_READONLY_SCOPE = `${AUTH}admin.directory.user.readonly`;

/**
 * The scopes Ferry's service account needs per workload under domain-wide delegation, least privilege
 * first. Google can be the source or the target of a migration, so each list covers reading and
 * writing. Accepted scopes per method are those the googleapis 176 method docs list.
 */
export const GOOGLE_DELEGATION_SCOPES: Readonly<Record<Workload, readonly string[]>> = Object.freeze({
  // One scope for both directions: read messages, labels and history (source); import, create labels
  // and, on delta passes, re-apply read state, stars and label moves and trash mirrored deletions
  // (target). Not mail.google.com, the only scope that deletes mail permanently.
  mail: Object.freeze([`${AUTH}gmail.modify`]),
  // Events on the user's own calendars (read and import), creating secondary calendars, and listing the
  // calendars the user has. Not `calendar`, which also covers sharing (ACLs) and every calendar the user can see.
  calendar: Object.freeze([
    `${AUTH}calendar.events.owned`,
    `${AUTH}calendar.calendars`,
    `${AUTH}calendar.calendarlist.readonly`,
  ]),
  // People API: the user's contacts and contact groups, read and write (there is no narrower write scope).
  contacts: Object.freeze([`${AUTH}contacts`]),
  // Every file the user owns or can reach, and its sharing. drive.file would reach only files Ferry created.
  files: Object.freeze([`${AUTH}drive`]),
  // Users, groups and their members (groups.readonly covers members.list), read-only.
  directory: Object.freeze([GOOGLE_DIRECTORY_USER_READONLY_SCOPE, `${AUTH}admin.directory.group.readonly`]),
  // freeBusy.query only: no event details. The narrowest scope Calendar accepts for it.
  freebusy: Object.freeze([`${AUTH}calendar.freebusy`]),
});

/**
 * The scopes a user grants Ferry in per-user delegated mode (OAuth consent), per workload. Ferry adds
 * `openid email` to identify the user. A user's own grant cannot list the domain's directory, so
 * `directory` is empty: directory work needs the service account.
 */
export const GOOGLE_DELEGATED_USER_SCOPES: Readonly<Record<Workload, readonly string[]>> = Object.freeze({
  mail: GOOGLE_DELEGATION_SCOPES.mail,
  calendar: GOOGLE_DELEGATION_SCOPES.calendar,
  contacts: GOOGLE_DELEGATION_SCOPES.contacts,
  files: GOOGLE_DELEGATION_SCOPES.files,
  directory: Object.freeze([]),
  freebusy: GOOGLE_DELEGATION_SCOPES.freebusy,
});

/**
 * Every scope the service account needs for `workloads`, in table order without duplicates, always
 * starting with the directory's user read scope (Ferry lists users for every workload).
 *
 * @throws ProviderError `invalid-input` for an unknown workload.
 */
export function googleDelegationScopesFor(workloads: readonly string[]): readonly string[] {
  const scopes = new Set<string>([GOOGLE_DIRECTORY_USER_READONLY_SCOPE]);
  for (const workload of workloads) {
    if (!isWorkload(workload))
      throw new ProviderError('invalid-input', 'workloads lists an unknown workload');
    for (const scope of GOOGLE_DELEGATION_SCOPES[workload]) scopes.add(scope);
  }
  return [...scopes];
}
