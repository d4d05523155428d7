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

const tier = (displayName, testMatch, extra = {}) => ({
  displayName,
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch,
  transform,
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
