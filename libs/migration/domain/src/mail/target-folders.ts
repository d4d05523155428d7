import {
  byCodeUnits,
  FOLDER_NAME_LIMITS,
  isReservedRootName,
  MIN_SEGMENT,
  nameKey,
  type NameTarget,
  sanitiseSegment,
  truncateName,
  withSuffix,
} from './folder-names';
import type { SourceFolder, SystemFolder } from './mail-item';

/**
 * Where a source folder goes on the target. Graph: the folder at `path` below the system folder `role`
 * (below the root when `role` is null; the system folder itself when `path` is empty). Gmail: the
 * system label of `role` (none for null or `archive`) and the user label `path` (none when empty).
 */
export interface TargetFolder {
  readonly role: SystemFolder | null;
  readonly path: readonly string[];
}

/** A place in the source tree: the nearest system folder above it (or the root) and the path below that. */
interface SourceNode {
  readonly key: string;
  readonly scope: SystemFolder | 'root';
  readonly segment: string;
  readonly depth: number;
  readonly parent: SourceNode | null;
}

/** A node's name on the target, once planned. */
interface Named {
  readonly namespace: string;
  readonly path: readonly string[];
  /** Gmail: length of the whole label name so far. */
  readonly length: number;
}

const SEP = '\u0000';

/**
 * Plans the target name of every place folder of a source mailbox (state-only labels are left out).
 *
 * Rules:
 * - A folder with a role goes to that role's system folder; a folder below one (`Inbox/Clients`) keeps
 *   its path below it on Graph. On Gmail, which cannot nest labels in system labels, it becomes the
 *   user label `Clients`, with the system label too only for Junk and Deleted Items (the message is
 *   spam or deleted there), never for Inbox, Sent or Drafts (it was filed away from them).
 * - Each name is made safe for the target (`sanitiseSegment`); Gmail segments are shortened so the whole
 *   label name stays within 225 characters, and a folder too deep for any room is lifted to the top
 *   level under a suffixed name rather than cut or merged.
 * - Names never merge: siblings whose names are equal ignoring case, and top-level names the target
 *   keeps for itself (`isReservedRootName`), get a suffix derived from the source path. Of equal names,
 *   the one that needed no change keeps it (then a top-level source folder over one below a system
 *   folder, then source name order), so the plan depends on the folder set only, never on list order.
 */
export function planTargetFolders(
  folders: Iterable<SourceFolder>,
  target: NameTarget,
): Map<string, TargetFolder> {
  const places = [...folders].filter((f) => !f.stateOnly);
  const byPath = new Map(places.map((f) => [f.path.join(SEP), f] as const));
  const nodes = new Map<string, SourceNode>();
  const leafOf = new Map<string, SourceNode | SystemFolder>();

  for (const folder of places) {
    if (folder.role) {
      leafOf.set(folder.id, folder.role);
      continue;
    }
    let scope: SystemFolder | 'root' = 'root';
    let relative = folder.path;
    for (let k = folder.path.length - 1; k >= 1; k--) {
      const above = byPath.get(folder.path.slice(0, k).join(SEP));
      if (above?.role) {
        scope = above.role;
        relative = folder.path.slice(k);
        break;
      }
    }
    if (relative.length === 0) relative = [''];
    let parent: SourceNode | null = null;
    for (const [depth, segment] of relative.entries()) {
      const key: string = `${parent?.key ?? scope}${SEP}${segment}`;
      const node: SourceNode = nodes.get(key) ?? { key, scope, segment, depth, parent };
      nodes.set(key, node);
      parent = node;
    }
    if (parent) leafOf.set(folder.id, parent);
  }

  const named = nameNodes([...nodes.values()], target);
  const plan = new Map<string, TargetFolder>();
  for (const [id, leaf] of leafOf) {
    if (typeof leaf === 'string') {
      plan.set(id, { role: leaf, path: [] });
      continue;
    }
    const name = named.get(leaf.key);
    if (!name) continue;
    plan.set(id, { role: roleOnTarget(leaf.scope, target), path: name.path });
  }
  return plan;
}

/** The system folder a node below `scope` sits in on the target (see `planTargetFolders`). */
function roleOnTarget(scope: SystemFolder | 'root', target: NameTarget): SystemFolder | null {
  if (scope === 'root') return null;
  if (target === 'microsoft') return scope;
  return scope === 'junk' || scope === 'deleted' ? scope : null;
}

interface Candidate {
  readonly node: SourceNode;
  readonly parentKey: string;
  readonly parent: Named | null;
  readonly name: string;
  /** True when the name is the source name as it was (after NFC), so it has the best claim to it. */
  readonly unchanged: boolean;
  /** True when the node must take a suffixed name whatever happens (reserved, lifted). */
  readonly forced: boolean;
}

/** Names nodes level by level, so every node's parent is named before it. */
function nameNodes(nodes: readonly SourceNode[], target: NameTarget): Map<string, Named> {
  const named = new Map<string, Named>();
  const taken = new Map<string, Set<string>>();
  const maxDepth = nodes.reduce((m, n) => Math.max(m, n.depth), -1);
  for (let depth = 0; depth <= maxDepth; depth++) {
    const level = nodes.filter((n) => n.depth === depth).map((node) => candidate(node, target, named));
    const groups = new Map<string, Candidate[]>();
    for (const c of level) {
      const group = `${c.parentKey}${SEP}${nameKey(c.name)}`;
      const members = groups.get(group);
      if (members) members.push(c);
      else groups.set(group, [c]);
    }
    const suffixed: Candidate[] = [];
    for (const group of groups.values()) {
      group.sort(byClaim);
      const [first, ...rest] = group;
      if (first && !first.forced) {
        named.set(first.node.key, extend(first, first.name, target));
        takenOf(taken, first.parentKey).add(nameKey(first.name));
      } else if (first) suffixed.push(first);
      suffixed.push(...rest);
    }
    for (const c of suffixed.sort(byClaim)) {
      const used = takenOf(taken, c.parentKey);
      const max = budget(c.parent, target);
      let name = withSuffix(c.name, c.node.key, max);
      for (let hash = 8; used.has(nameKey(name)); hash += 2) name = withSuffix(c.name, c.node.key, max, hash);
      used.add(nameKey(name));
      named.set(c.node.key, extend(c, name, target));
    }
  }
  return named;
}

function candidate(node: SourceNode, target: NameTarget, named: ReadonlyMap<string, Named>): Candidate {
  const namespace = target === 'google' ? 'labels' : node.scope;
  let parent = node.parent ? (named.get(node.parent.key) ?? null) : null;
  // Gmail: no room left below the parent for a readable name: lift the folder to the top level.
  const lifted = target === 'google' && parent !== null && budget(parent, target) < MIN_SEGMENT;
  if (lifted) parent = null;
  const sanitised = sanitiseSegment(node.segment, target);
  const name = truncateName(sanitised, budget(parent, target));
  // Gmail's label names are one namespace; on Graph only the mailbox root has reserved names.
  const topLevel = parent === null && (target === 'google' || node.scope === 'root');
  return {
    node,
    parent,
    parentKey: parent
      ? `${parent.namespace}${SEP}${parent.path.map(nameKey).join(SEP)}`
      : `${namespace}${SEP}`,
    name,
    unchanged: name === node.segment.normalize('NFC'),
    forced: lifted || (topLevel && isReservedRootName(name, target)),
  };
}

/** Room for one more segment below `parent`. */
function budget(parent: Named | null, target: NameTarget): number {
  if (target === 'microsoft') return FOLDER_NAME_LIMITS.graphFolder;
  return parent ? FOLDER_NAME_LIMITS.gmailLabel - parent.length - 1 : FOLDER_NAME_LIMITS.gmailLabel;
}

function extend(c: Candidate, name: string, target: NameTarget): Named {
  const namespace = target === 'google' ? 'labels' : c.node.scope;
  if (!c.parent) return { namespace, path: [name], length: name.length };
  return { namespace, path: [...c.parent.path, name], length: c.parent.length + 1 + name.length };
}

function takenOf(taken: Map<string, Set<string>>, parentKey: string): Set<string> {
  let set = taken.get(parentKey);
  if (!set) taken.set(parentKey, (set = new Set()));
  return set;
}

/** Who keeps a name several nodes want: unchanged first, then the top level, then source order. */
function byClaim(a: Candidate, b: Candidate): number {
  return (
    Number(b.unchanged) - Number(a.unchanged) ||
    Number(b.node.scope === 'root') - Number(a.node.scope === 'root') ||
    byCodeUnits(a.node.segment, b.node.segment) ||
    byCodeUnits(a.node.key, b.node.key)
  );
}
