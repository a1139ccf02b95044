// ESLint flat config for the whole monorepo (run from the root: npm run lint).
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Borders. Apps (api, worker, web, cli) never import each other: what two apps share lives in a package (the job/event
// contract in packages/runs). Packages never import apps. Only system-tests/ and e2e/ may use several apps. Every
// workspace is used through its package.json `exports` (its index, plus the few explicit entries below), never by a
// deep path into its src/.
const APPS = { api: '@driftprune/api', worker: '@driftprune/worker', web: '@driftprune/web', cli: 'driftprune' };
const ENTRY_POINTS = ['@driftprune/api/testing', '@driftprune/api/main', '@driftprune/worker/main', '@driftprune/pruning/testing', '@driftprune/data/testing/heavy-scale-csv', '@driftprune/data/testing/shared-data', '@driftprune/data/random', '@driftprune/engine/test-support', '@driftprune/db/testing/s3-standin'];
const deepImports = {
  regex: `^(?!(${ENTRY_POINTS.join('|')})$)(@driftprune/[^/]+/.+|.*/(packages|apps)/[^/]+/src/.*)$`,
  message: "import a workspace through its package name (its index or an entry point listed in its package.json 'exports'), not a path into its src/",
};
const appImport = (name) => ({ group: [name, `${name}/*`], message: 'apps do not import other apps, and packages do not import apps: move what they share into a package' });
const otherApps = (self) => Object.entries(APPS).filter(([k]) => k !== self).map(([, name]) => appImport(name));
const restrictImports = (patterns) => ({ rules: { 'no-restricted-imports': ['error', { patterns: [deepImports, ...patterns] }] } });
// The environment is read in one place, through the zod schema of packages/config (loadEnv), so that every variable is
// validated and documented. Tests, benchmarks and test harnesses may set up processes with their own variables.
const ENV_READERS = ['packages/config/**', '**/*.test.ts', '**/bench/**', '**/testing/**', 'e2e/**', 'system-tests/**', 'scripts/**', '**/codegen.ts', '**/next.config.ts'];

// Data access lives in packages/db (its repositories): apps never query Postgres themselves. Outside their tests, apps
// may not import the Prisma client, call a model delegate (`db.run.findMany(…)`, `tx.membership.update(…)`) or run
// raw SQL / transactions (`$queryRaw`, `$executeRaw`, `$transaction`). Delegate names come from prisma/schema.prisma.
const PRISMA_DELEGATES = [...readFileSync(new URL('./prisma/schema.prisma', import.meta.url), 'utf8').matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1][0].toLowerCase() + m[1].slice(1));
const PRISMA_METHODS = ['findMany', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert', 'count', 'aggregate', 'groupBy'];
const DATA_ACCESS_MESSAGE = 'apps do not query the database: call (or add) a repository function of @driftprune/db (packages/db/src/repositories)';
const TEST_FILES = ['**/*.test.ts', '**/testing/**', '**/bench/**'];
const noDataAccess = {
  'no-restricted-syntax': [
    'error',
    { selector: `CallExpression[callee.type='MemberExpression'][callee.property.name=/^(${PRISMA_METHODS.join('|')})$/][callee.object.type='MemberExpression'][callee.object.property.name=/^(${PRISMA_DELEGATES.join('|')})$/]`, message: DATA_ACCESS_MESSAGE },
    { selector: "MemberExpression[property.name=/^\\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)$/]", message: DATA_ACCESS_MESSAGE },
  ],
};
const prismaImports = [
  { group: ['@prisma/*'], message: DATA_ACCESS_MESSAGE },
  { group: ['**/generated/prisma', '**/generated/prisma/*'], message: DATA_ACCESS_MESSAGE },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', '**/generated/**', '**/*.generated.ts', '**/next-env.d.ts', 'test-results/**', '.data/**', '.gpu-carry/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', performance: 'readonly', structuredClone: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', WebAssembly: 'readonly', queueMicrotask: 'readonly', document: 'readonly', window: 'readonly', navigator: 'readonly', localStorage: 'readonly', requestAnimationFrame: 'readonly', HTMLElement: 'readonly', WebSocket: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'], ...restrictImports([]) },
  ...Object.keys(APPS).map((app) => ({ files: [`apps/${app}/**`], ...restrictImports(otherApps(app)) })),
  { files: ['packages/**'], ...restrictImports(otherApps(null)) },
  ...Object.keys(APPS).map((app) => ({ files: [`apps/${app}/**`], ignores: TEST_FILES, rules: { ...noDataAccess, 'no-restricted-imports': ['error', { patterns: [deepImports, ...otherApps(app), ...prismaImports] }] } })),
  {
    files: ['apps/**', 'packages/**'],
    ignores: ENV_READERS,
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read the environment through loadEnv() of @driftprune/config (packages/config/src/env.ts)' }] },
  },
);
