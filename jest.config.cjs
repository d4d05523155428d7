// One jest configuration, three tiers: unit (*.spec.ts, no I/O), int (*.int-spec.ts, real NATS and
// PostgreSQL), e2e (services as separate processes). Nx targets select a tier and a project folder.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&')}$`,
    `<rootDir>/${target}`,
  ]),
);

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

// openid-client 6 and its dependencies (oauth4webapi, and jose 6 nested under openid-client) ship
// only ESM. Node 20.19+ require()s them natively (the compiled services do), but Jest's CommonJS
// loader cannot, so these few packages are compiled to CommonJS like our own sources. Everything
// else in node_modules, the top-level jose 5 (CommonJS) included, is loaded untouched.
const ESM_PACKAGES = ['openid-client', 'oauth4webapi'];
transform[`/node_modules/(${ESM_PACKAGES.join('|')})/.+\\.m?js$`] = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
// Ignored unless the path is inside one of ESM_PACKAGES (a package nested under openid-client too).
const transformIgnorePatterns = [`(?<!/node_modules/openid-client)/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`];

const tier = (displayName, testMatch, extra = {}) => ({
  displayName,
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch,
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['<rootDir>/libs/platform/testing/src/reflect-metadata.setup.cjs'],
  ...extra,
});

module.exports = {
  projects: [
    tier('unit', ['<rootDir>/{libs,services}/**/*.spec.ts']),
    tier('int', ['<rootDir>/{libs,services}/**/*.int-spec.ts'], { slowTestThreshold: 20 }),
    tier('e2e', ['<rootDir>/services/platform-e2e/**/*.e2e-spec.ts'], { slowTestThreshold: 120 }),
  ],
};
