import type { Workload } from '@ferry/providers/core';

/**
 * The Microsoft Graph application permissions (app-only, `roles` claim) each workload needs, least
 * privilege first. From the "Permissions" table of each API Ferry calls (Graph permissions reference):
 * - mail: `Mail.ReadWrite` reads source messages with their MIME content and creates folders and
 *   messages in the target; `Mail.Read` cannot write and `Mail.ReadBasic.All` has no bodies. Ferry
 *   sends no mail, so no `Mail.Send`.
 * - calendar: `Calendars.ReadWrite` reads and creates events; nothing narrower can write.
 * - contacts: `Contacts.ReadWrite` reads and creates contacts and contact folders.
 * - files: `Files.ReadWrite.All` reads and writes every user's OneDrive and the files of every site
 *   collection, which is what a drive migration touches. `Sites.ReadWrite.All` (lists, site settings)
 *   is not needed; `Sites.Selected` would restrict Ferry to granted sites but cannot reach OneDrives.
 * - directory: `User.Read.All` lists users to map them; `Directory.Read.All` would add groups, roles
 *   and devices, which no workload reads yet.
 * - freebusy: `Calendars.ReadBasic` is the least privileged permission for `calendar/getSchedule`
 *   (it cannot read bodies or attachments).
 */
export const GRAPH_APPLICATION_PERMISSIONS: Readonly<Record<Workload, readonly string[]>> = Object.freeze({
  mail: ['Mail.ReadWrite'],
  calendar: ['Calendars.ReadWrite'],
  contacts: ['Contacts.ReadWrite'],
  files: ['Files.ReadWrite.All'],
  directory: ['User.Read.All'],
  freebusy: ['Calendars.ReadBasic'],
});

/**
 * The delegated scopes (a user's own data, `scp` claim) each workload needs when a user grants Ferry
 * access to their own account. Same reasoning as the application permissions, one level down: the
 * user's own mailbox, calendar, contacts and OneDrive (`Files.ReadWrite`, not `.All`, which would add
 * files others shared with the user), their own profile, and getSchedule's least privileged scope.
 * `openid`, `profile` and `offline_access` are added to every request by the identity client.
 */
export const GRAPH_DELEGATED_SCOPES: Readonly<Record<Workload, readonly string[]>> = Object.freeze({
  mail: ['Mail.ReadWrite'],
  calendar: ['Calendars.ReadWrite'],
  contacts: ['Contacts.ReadWrite'],
  files: ['Files.ReadWrite'],
  directory: ['User.Read'],
  freebusy: ['Calendars.ReadBasic'],
});

/**
 * Broader permissions that include a needed one (per the Graph reference's "higher privileged"
 * column): an admin who granted one of these is not told the narrower one is missing.
 */
const INCLUDED_IN: Readonly<Record<string, readonly string[]>> = {
  'Calendars.ReadBasic': ['Calendars.Read', 'Calendars.ReadWrite'],
  'User.Read.All': ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Files.ReadWrite.All': ['Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'],
};

/** The application permissions `workloads` need, each once, in workload order. */
export function applicationPermissionsFor(workloads: readonly Workload[]): string[] {
  return [...new Set(workloads.flatMap((w) => GRAPH_APPLICATION_PERMISSIONS[w]))];
}

/** The delegated scopes `workloads` need, each once, in workload order. */
export function delegatedScopesFor(workloads: readonly Workload[]): string[] {
  return [...new Set(workloads.flatMap((w) => GRAPH_DELEGATED_SCOPES[w]))];
}

/** How `granted` covers `needed`: by itself, through a broader permission (named), or not at all. */
export function coverage(
  needed: string,
  granted: readonly string[],
): { readonly covered: false } | { readonly covered: true; readonly via?: string } {
  const have = new Set(granted.map((g) => g.toLowerCase()));
  if (have.has(needed.toLowerCase())) return { covered: true };
  const via = INCLUDED_IN[needed]?.find((broader) => have.has(broader.toLowerCase()));
  return via ? { covered: true, via } : { covered: false };
}
