import type { MailboxRef } from '@ferry/migration/application';
import {
  graphWellKnownOfRole,
  sanitiseSegment,
  type SystemFolder,
  type TargetPlacement,
} from '@ferry/migration/domain';
import { ProviderError } from '@ferry/providers/core';
import type { GraphMailApi } from './graph-mail.api';
import { LruMap } from './lru-map';

interface FolderJson {
  readonly id: string;
  readonly displayName?: string;
}

/**
 * The target mailbox's folders as placements name them: a well-known folder for a role (`inbox`,
 * `sentitems`, ...; the mailbox root for none) and the path below it, created level by level as
 * `childFolders` and looked up when Graph says it exists (409: another worker, or a run before a crash,
 * made it). Ids are cached per mailbox in memory (least recently used mailboxes forgotten); the worker
 * can persist them (`known`) and hand them back (`seed`), so a restart does not walk the tree again.
 */
export class GraphTargetFolders {
  private readonly cache: LruMap<string, Map<string, string>>;
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly api: GraphMailApi,
    maxMailboxes = 256,
  ) {
    this.cache = new LruMap(maxMailboxes);
  }

  /** The key a placement's folder is cached and persisted under (a JSON array: role, then path). */
  static keyOf(role: SystemFolder | null, path: readonly string[]): string {
    return JSON.stringify([role ?? '', ...path]);
  }

  /** Adds folder ids the worker persisted (`RunStore.targetFolders`), keyed by `keyOf`. */
  seed(mailbox: MailboxRef, known: ReadonlyMap<string, string>): void {
    const folders = this.folders(mailbox);
    for (const [key, id] of known) folders.set(key, id);
  }

  /** Every folder id known for the mailbox, keyed by `keyOf`, for the worker to persist. */
  known(mailbox: MailboxRef): Map<string, string> {
    return new Map(this.folders(mailbox));
  }

  /** Drops a cached id that proved stale (the folder was deleted on the target since). */
  forget(mailbox: MailboxRef, placement: Pick<TargetPlacement, 'role' | 'path'>): void {
    const folders = this.folders(mailbox);
    for (let depth = 0; depth <= placement.path.length; depth++)
      folders.delete(GraphTargetFolders.keyOf(placement.role, placement.path.slice(0, depth)));
  }

  /** The folder id of a placement, creating missing folders (idempotent; cheap when cached). */
  async resolve(
    mailbox: MailboxRef,
    placement: Pick<TargetPlacement, 'role' | 'path'>,
    signal: AbortSignal,
  ): Promise<string> {
    let parent = await this.once(mailbox, GraphTargetFolders.keyOf(placement.role, []), () =>
      this.base(mailbox, placement.role, signal),
    );
    for (let depth = 1; depth <= placement.path.length; depth++) {
      const name = placement.path[depth - 1] ?? '';
      const under = parent;
      parent = await this.once(
        mailbox,
        GraphTargetFolders.keyOf(placement.role, placement.path.slice(0, depth)),
        () => this.child(mailbox, under, name, signal),
      );
    }
    return parent;
  }

  private folders(mailbox: MailboxRef): Map<string, string> {
    const key = `${mailbox.tenantKey}\u0000${mailbox.pseudonym}`;
    let folders = this.cache.get(key);
    if (!folders) this.cache.set(key, (folders = new Map<string, string>()));
    return folders;
  }

  /** A cached id, or one lookup/creation shared by every concurrent caller for the same folder. */
  private async once(mailbox: MailboxRef, key: string, find: () => Promise<string>): Promise<string> {
    const cached = this.folders(mailbox).get(key);
    if (cached) return cached;
    const flight = `${mailbox.tenantKey}\u0000${mailbox.pseudonym}\u0000${key}`;
    let pending = this.pending.get(flight);
    if (!pending) {
      pending = find().finally(() => this.pending.delete(flight));
      this.pending.set(flight, pending);
    }
    const id = await pending;
    this.folders(mailbox).set(key, id);
    return id;
  }

  /** The id of the role's well-known folder, or of the mailbox root (`msgfolderroot`). */
  private async base(mailbox: MailboxRef, role: SystemFolder | null, signal: AbortSignal): Promise<string> {
    const name = role ? graphWellKnownOfRole(role) : 'msgfolderroot';
    const res = await this.api.json<FolderJson>(
      mailbox,
      { method: 'GET', path: `${this.api.user(mailbox)}/mailFolders/${name}?$select=id`, accept: [404] },
      signal,
    );
    if (res.status === 404 || !res.body?.id)
      throw new ProviderError('provider-error', `the target mailbox has no ${name} folder`, { status: 404 });
    return res.body.id;
  }

  /**
   * Creates `name` under `parentId`, or finds it when it exists (409). A name Graph refuses is tried
   * once more as the planner would have made it (`sanitiseSegment`: controls, length, blank).
   */
  private async child(
    mailbox: MailboxRef,
    parentId: string,
    name: string,
    signal: AbortSignal,
  ): Promise<string> {
    const children = `${this.api.user(mailbox)}/mailFolders/${encodeURIComponent(parentId)}/childFolders`;
    for (const candidate of [name, sanitiseSegment(name, 'microsoft')]) {
      const res = await this.api.json<FolderJson>(
        mailbox,
        { method: 'POST', path: children, body: { displayName: candidate }, accept: [400, 409] },
        signal,
      );
      if (res.status === 201 && res.body?.id) return res.body.id;
      if (res.status === 409) return this.lookup(mailbox, children, candidate, signal);
      if (candidate === sanitiseSegment(name, 'microsoft')) break;
    }
    throw new ProviderError('invalid-input', 'Microsoft Graph refused a folder name', { status: 400 });
  }

  private async lookup(
    mailbox: MailboxRef,
    children: string,
    name: string,
    signal: AbortSignal,
  ): Promise<string> {
    const filter = encodeURIComponent(`displayName eq '${name.replace(/'/g, "''")}'`);
    const res = await this.api.json<{ value?: FolderJson[] }>(
      mailbox,
      {
        method: 'GET',
        path: `${children}?$filter=${filter}&$select=id,displayName&includeHiddenFolders=true`,
      },
      signal,
    );
    const key = name.normalize('NFC').toLowerCase();
    const found =
      res.body?.value?.find((f) => (f.displayName ?? '').normalize('NFC').toLowerCase() === key) ??
      res.body?.value?.[0];
    if (!found)
      throw new ProviderError(
        'provider-error',
        'Microsoft Graph reported a folder as existing but did not list it',
        { status: 409 },
      );
    return found.id;
  }
}
