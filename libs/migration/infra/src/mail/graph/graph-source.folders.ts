import type { MailboxRef } from '@ferry/migration/application';
import { graphWellKnownOfRole, type SourceFolder, type SystemFolder } from '@ferry/migration/domain';
import { ProviderError } from '@ferry/providers/core';
import type { GraphMailApi } from './graph-mail.api';

interface FolderJson {
  readonly id: string;
  readonly displayName?: string;
  readonly childFolderCount?: number;
}

interface FolderPage {
  readonly value?: readonly FolderJson[];
  readonly '@odata.nextLink'?: string;
}

/** Bounds on a folder tree walk: a tree deeper or larger than this is refused rather than walked for ever. */
const MAX_DEPTH = 32;
const MAX_FOLDERS = 20_000;
const FOLDER_QUERY = '$select=id,displayName,childFolderCount&$top=250';
const ROLES: readonly SystemFolder[] = ['inbox', 'sent', 'drafts', 'junk', 'deleted', 'archive'];

/**
 * A source mailbox's folders: the tree below the root walked through `childFolders` (visible folders
 * only), each with its path of display names and, for the well-known folders, its role (found by
 * their language-independent names, not by display name).
 */
export async function listGraphFolders(
  api: GraphMailApi,
  mailbox: MailboxRef,
  signal: AbortSignal,
): Promise<SourceFolder[]> {
  const roles = new Map<string, SystemFolder>();
  for (const role of ROLES) {
    const path = `${api.user(mailbox)}/mailFolders/${graphWellKnownOfRole(role)}?$select=id`;
    const res = await api.json<FolderJson>(mailbox, { method: 'GET', path, accept: [404] }, signal);
    if (res.status !== 404 && res.body?.id) roles.set(res.body.id, role);
  }
  const folders: SourceFolder[] = [];
  const queue: { path: readonly string[]; list: string }[] = [
    { path: [], list: `${api.user(mailbox)}/mailFolders?${FOLDER_QUERY}` },
  ];
  for (let level = queue.shift(); level; level = queue.shift()) {
    for (let next: string | undefined = level.list; next;) {
      const page: FolderPage | undefined = (
        await api.json<FolderPage>(mailbox, { method: 'GET', path: next }, signal)
      ).body;
      for (const f of page?.value ?? []) {
        const path = [...level.path, f.displayName ?? ''];
        folders.push({ id: f.id, path, role: roles.get(f.id) ?? null });
        if (folders.length > MAX_FOLDERS)
          throw new ProviderError('provider-error', `the mailbox has more than ${MAX_FOLDERS} folders`);
        if ((f.childFolderCount ?? 0) > 0 && path.length < MAX_DEPTH) {
          queue.push({
            path,
            list: `${api.user(mailbox)}/mailFolders/${encodeURIComponent(f.id)}/childFolders?${FOLDER_QUERY}`,
          });
        }
      }
      next = page?.['@odata.nextLink'];
    }
  }
  return folders;
}
