// CPU profiles for the migration benchmarks: the V8 sampling profiler of this process (node:inspector),
// written as a .cpuprofile (Chrome DevTools / speedscope open it) and summarised by self time per
// function and per package, and by inclusive time per function, so a result file says where the
// worker's CPU went.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Session } from 'node:inspector/promises';

export async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      return summarise(profile);
    },
  };
}

/** Where code lives: a package under node_modules, a Ferry lib, node's own, or V8/GC. */
function packageOf(url) {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const lib = /\/dist\/(libs\/.+?\/src)\//.exec(url);
  if (lib) return lib[1];
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

function summarise(profile, top = 25) {
  const selfUs = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const nameOf = (f) => {
    const file = f.url ? f.url.replace(/^.*\/(node_modules|dist)\//, '') : '';
    return `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fns = new Map();
  const pkgs = new Map();
  // Inclusive time: a sample counts once for every function on its stack (once even when recursive).
  const inclusive = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame: f } = byId.get(id);
    const fn = nameOf(f);
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    const pkg = packageOf(f.url);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
    const onStack = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) onStack.add(nameOf(byId.get(at).callFrame));
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
  const rank = (m, n = top) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: +(us / total).toFixed(3) }));
  return { sampledMs: Math.round(total / 1000), byPackage: rank(pkgs), byFunction: rank(fns), inclusive: rank(inclusive, 40) };
}
