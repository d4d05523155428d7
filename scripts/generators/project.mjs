#!/usr/bin/env node
// Creates a library or service with the layout, tags and path alias every Ferry project shares.
// usage: node scripts/generators/project.mjs <dir> --type <type> --scope <scope> [--purpose "..."]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TYPES = ['app', 'e2e', 'infra', 'application', 'domain', 'data-access', 'contracts', 'util', 'testing'];
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { type: { type: 'string' }, scope: { type: 'string' }, purpose: { type: 'string', default: 'TODO: purpose' } },
});
const dir = positionals[0];
if (!dir || !values.type || !values.scope) {
  console.error('usage: project.mjs <services/x|libs/a/b> --type <type> --scope <scope> [--purpose "..."]');
  process.exit(2);
}
if (!TYPES.includes(values.type)) {
  console.error(`unknown --type ${values.type}; one of ${TYPES.join(', ')}`);
  process.exit(2);
}
const abs = join(root, dir);
if (existsSync(join(abs, 'project.json'))) {
  console.error(`${dir} already has a project.json`);
  process.exit(2);
}
const isService = dir.startsWith('services/');
const segments = dir.split('/').slice(1);
const name = isService ? segments.join('-') : segments.join('-');
const up = relative(abs, root) || '.';
const targets = {
  lint: { executor: '@nx/eslint:lint', options: { lintFilePatterns: [`${dir}/**/*.ts`] } },
  test: {
    executor: 'nx:run-commands',
    options: { command: `node scripts/test/jest-project.mjs ${dir} unit`, cwd: '{workspaceRoot}' },
  },
  'int-test': {
    executor: 'nx:run-commands',
    cache: false,
    options: { command: `node scripts/test/jest-project.mjs ${dir} int`, cwd: '{workspaceRoot}' },
  },
};
const project = {
  name,
  $schema: `${up}/node_modules/nx/schemas/project-schema.json`,
  sourceRoot: `${dir}/src`,
  projectType: isService ? 'application' : 'library',
  tags: [`type:${values.type}`, `scope:${values.scope}`],
  targets,
};
mkdirSync(join(abs, 'src'), { recursive: true });
writeFileSync(join(abs, 'project.json'), JSON.stringify(project, null, 2) + '\n');
if (!isService) {
  if (!existsSync(join(abs, 'src', 'index.ts'))) writeFileSync(join(abs, 'src', 'index.ts'), '');
  if (!existsSync(join(abs, 'README.md'))) {
    writeFileSync(
      join(abs, 'README.md'),
      `# @ferry/${segments.join('/')}\n\n- Purpose: ${values.purpose}\n- Public API: \`src/index.ts\`\n- Used by: TODO\n`,
    );
  }
  const tsconfigPath = join(root, 'tsconfig.base.json');
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8'));
  tsconfig.compilerOptions.paths[`@ferry/${segments.join('/')}`] = [`${dir}/src/index.ts`];
  tsconfig.compilerOptions.paths = Object.fromEntries(
    Object.entries(tsconfig.compilerOptions.paths).sort(([a], [b]) => a.localeCompare(b)),
  );
  writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2) + '\n');
}
console.log(`created ${dir} (${name}) tags type:${values.type} scope:${values.scope}`);
