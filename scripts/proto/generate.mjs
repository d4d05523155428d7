#!/usr/bin/env node
// Generates libs/contracts/src/gen from proto/ with buf + protoc-gen-es.
//   node scripts/proto/generate.mjs          regenerate in place
//   node scripts/proto/generate.mjs --check  lint, breaking-change check, and fail if generated code is stale
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const buf = join(root, 'node_modules', '.bin', 'buf');
const protoDir = join(root, 'proto');
const genDir = join(root, 'libs', 'contracts', 'src', 'gen');
const check = process.argv.includes('--check');

const run = (args, opts = {}) => execFileSync(buf, args, { cwd: protoDir, stdio: 'inherit', ...opts });

function generate(outDir) {
  const template = readFileSync(join(protoDir, 'buf.gen.yaml'), 'utf8').replace(
    /out: .*/,
    `out: ${JSON.stringify(outDir)}`,
  );
  const templateFile = join(mkdtempSync(join(tmpdir(), 'ferry-buf-')), 'buf.gen.yaml');
  writeFileSync(templateFile, template);
  rmSync(outDir, { recursive: true, force: true });
  run(['generate', '--template', templateFile]);
}

function files(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  try {
    walk(dir);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  return out;
}

function git(args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** The commit to compare against: the newest commit before HEAD that changed proto/ (or HEAD for a dirty tree). */
function breakingBase() {
  if (process.env.FERRY_PROTO_BASE) return process.env.FERRY_PROTO_BASE;
  try {
    const dirty = git(['status', '--porcelain', '--', 'proto']) !== '';
    if (dirty && git(['ls-tree', 'HEAD', 'proto']) !== '') return git(['rev-parse', 'HEAD']);
    return git(['log', '-1', '--format=%H', 'HEAD~1', '--', 'proto']) || null;
  } catch {
    return null;
  }
}

if (!check) {
  generate(genDir);
  console.log(`generated ${files(genDir).size} files into ${relative(root, genDir)}`);
  process.exit(0);
}

run(['lint']);
console.log('proto: buf lint passed');

const base = breakingBase();
if (base) {
  run(['breaking', '--against', `${join(root, '.git')}#ref=${base},subdir=proto`]);
  console.log(`proto: buf breaking passed against ${base.slice(0, 12)}`);
} else {
  console.log('proto: buf breaking not run: no earlier commit with proto/ in this clone');
}

const scratch = mkdtempSync(join(tmpdir(), 'ferry-gen-'));
generate(scratch);
const want = files(scratch);
const have = files(genDir);
rmSync(scratch, { recursive: true, force: true });
const stale = [...new Set([...want.keys(), ...have.keys()])].filter((f) => want.get(f) !== have.get(f));
if (stale.length > 0) {
  console.error(`proto: generated code is stale (${stale.join(', ')}); run \`npm run generate\` and commit the result`);
  process.exit(1);
}
console.log(`proto: generated code is current (${want.size} files)`);
