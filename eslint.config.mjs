// Type-aware lint for the whole workspace, with module boundaries enforced on two axes.
// type: what a project is (app, infra, application, domain, data-access, contracts, util, testing, e2e);
// scope: which domain owns it (a domain name, or shared).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const SCOPES = ['gateway', 'identity', 'connectors', 'migration', 'freebusy', 'mailrouting', 'audit'];

/** Which project types a project of each type may import, outside tests. */
const typeRules = {
  app: ['infra', 'application', 'domain', 'data-access', 'contracts', 'util'],
  infra: ['application', 'domain', 'data-access', 'contracts', 'util'],
  application: ['domain', 'contracts', 'util'],
  domain: ['domain'],
  // Data access may build on other data access and on a pure shared domain (the auth guards use
  // messaging and the RBAC catalogue); the scope rules still keep it out of any one domain's libraries.
  'data-access': ['data-access', 'contracts', 'util', 'domain'],
  util: ['util', 'contracts'],
  contracts: ['contracts'],
  // A domain's testing library implements its ports with fakes, so it sees that domain's layers.
  testing: ['application', 'domain', 'data-access', 'contracts', 'util', 'testing'],
  e2e: ['testing', 'contracts', 'util', 'data-access'],
};

const constraints = (allowTesting) => [
  ...Object.entries(typeRules).map(([type, allowed]) => ({
    sourceTag: `type:${type}`,
    onlyDependOnLibsWithTags: [...allowed, ...(allowTesting ? ['testing'] : [])].map((t) => `type:${t}`),
  })),
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...SCOPES.map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
  })),
];

const boundaries = (allowTesting) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    banTransitiveDependencies: true,
    // A use case's specs use the testing library's fakes, and the fakes implement the use case's ports.
    ignoredCircularDependencies: [
      ['identity-application', 'identity-testing'],
      ['connectors-application', 'connectors-testing'],
      ['migration-application', 'migration-testing'],
    ],
    allow: [],
    depConstraints: constraints(allowTesting),
  },
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', 'dist/**', 'tmp/**', '.nx/**', 'libs/contracts/src/gen/**', '**/*.mjs', '**/*.cjs', '**/*.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(false),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-console': 'error',
      // Handlers implement async interfaces; an await-free implementation is still correct.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Nest's DI reads constructor parameter types at run time, so those imports must stay value imports.
    files: ['**/*.module.ts', '**/*.controller.ts', '**/*.service.ts', '**/*.handler.ts', '**/*.consumer.ts', '**/*.repository.ts', '**/*.indicator.ts', '**/*.usecase.ts', '**/*.provider.ts', '**/*.guard.ts', '**/*.filter.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/src/testing/**/*.ts', 'services/platform-e2e/**/*.ts', 'libs/platform/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(true),
      '@typescript-eslint/unbound-method': 'off',
      'no-console': 'off',
    },
  },
  prettier,
);
