// Lets a plain `node` child process load this repository's TypeScript: compiles .ts files with swc
// (as scripts/build.mjs does) and rewrites the @ferry/* path aliases. Test use only.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..', '..', '..', '..', '..');
const { transformSync } = require(require.resolve('@swc/core', { paths: [root] }));
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      baseUrl: root,
      paths: compilerOptions.paths,
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
