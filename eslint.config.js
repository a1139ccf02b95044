// ESLint flat config for the whole monorepo (run from the root: npm run lint).
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Borders. Apps (api, worker, web, cli) never import each other: what two apps share lives in a package (the job/event
// contract in packages/runs). Packages never import apps. Only system-tests/ and e2e/ may use several apps. Every
// workspace is used through its package.json `exports` (its index, plus the few explicit entries below), never by a
// deep path into its src/.
const APPS = { api: '@driftprune/api', worker: '@driftprune/worker', web: '@driftprune/web', cli: 'driftprune' };
const ENTRY_POINTS = ['@driftprune/db/run-lifecycle', '@driftprune/api/testing', '@driftprune/api/main', '@driftprune/worker/main', '@driftprune/pruning/testing', '@driftprune/data/testing/heavy-scale-csv', '@driftprune/data/testing/shared-data', '@driftprune/data/random', '@driftprune/engine/test-support', '@driftprune/db/testing/s3-standin'];
const deepImports = {
  regex: `^(?!(${ENTRY_POINTS.join('|')})$)(@driftprune/[^/]+/.+|.*/(packages|apps)/[^/]+/src/.*)$`,
  message: "import a workspace through its package name (its index or an entry point listed in its package.json 'exports'), not a path into its src/",
};
const appImport = (name) => ({ group: [name, `${name}/*`], message: 'apps do not import other apps, and packages do not import apps: move what they share into a package' });
const otherApps = (self) => Object.entries(APPS).filter(([k]) => k !== self).map(([, name]) => appImport(name));
// A run's life has one owner (packages/runs): the storage half of its writes (a run's status, the cancel flag, new queued
// runs, a sweep's status under its row lock) is the entry point @driftprune/db/run-lifecycle, which no other workspace
// may import; inside packages/runs only run-status.ts (the transition table's writer) may import writeRunStatus.
const RUN_LIFECYCLE = '@driftprune/db/run-lifecycle';
const runLifecycleImport = { group: [RUN_LIFECYCLE], message: 'only packages/runs writes a run\'s life (status, cancel flag, sweep status): call @driftprune/runs (transitionRun, submitRuns, cancelRuns, …)' };
const writeRunStatusImport = { name: RUN_LIFECYCLE, importNames: ['writeRunStatus'], message: 'only packages/runs/src/run-status.ts writes Run.status (its transition table): call transitionRun / transitionRuns' };
// `lifecycle`: 'none' (the entry point refused), 'runs' (allowed but writeRunStatus), 'writer' (allowed).
const restrictImports = (patterns, lifecycle = 'none') => ({
  rules: {
    'no-restricted-imports': [
      'error',
      { paths: lifecycle === 'runs' ? [writeRunStatusImport] : [], patterns: [deepImports, ...patterns, ...(lifecycle === 'none' ? [runLifecycleImport] : [])] },
    ],
  },
});
// The environment is read in one place, through the zod schema of packages/config (loadEnv), so that every variable is
// validated and documented. Tests, benchmarks and test harnesses may set up processes with their own variables.
const ENV_READERS = ['packages/config/**', '**/*.test.ts', '**/bench/**', '**/testing/**', 'e2e/**', 'system-tests/**', 'scripts/**', '**/codegen.ts', '**/next.config.ts'];

// Data access lives in packages/db (its repositories): no app and no other package queries Postgres itself. Outside
// their tests, apps and packages other than packages/db may not import the Prisma client, call a model delegate
// (`db.run.findMany(…)`, `tx.membership.update(…)`) or run raw SQL / transactions (`$queryRaw`, `$executeRaw`,
// `$transaction`). Delegate names come from prisma/schema.prisma.
const PRISMA_DELEGATES = [...readFileSync(new URL('./prisma/schema.prisma', import.meta.url), 'utf8').matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1][0].toLowerCase() + m[1].slice(1));
const PRISMA_METHODS = ['findMany', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert', 'count', 'aggregate', 'groupBy'];
const DATA_ACCESS_MESSAGE = 'only packages/db queries the database: call (or add) a repository function of @driftprune/db (packages/db/src/repositories)';
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
  { files: ['packages/db/**'], ...restrictImports(otherApps(null), 'writer') },
  { files: ['packages/runs/**'], ...restrictImports(otherApps(null), 'runs') },
  { files: ['packages/runs/src/run-status.ts'], ...restrictImports(otherApps(null), 'writer') },
  ...Object.keys(APPS).map((app) => ({ files: [`apps/${app}/**`], ignores: TEST_FILES, rules: { ...noDataAccess, ...restrictImports([...otherApps(app), ...prismaImports]).rules } })),
  { files: ['packages/**'], ignores: ['packages/db/**', ...TEST_FILES], rules: { ...noDataAccess, ...restrictImports([...otherApps(null), ...prismaImports]).rules } },
  { files: ['packages/runs/**'], ignores: TEST_FILES, ...restrictImports([...otherApps(null), ...prismaImports], 'runs') },
  { files: ['packages/runs/src/run-status.ts'], ...restrictImports([...otherApps(null), ...prismaImports], 'writer') },
  {
    files: ['apps/**', 'packages/**'],
    ignores: ENV_READERS,
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read the environment through loadEnv() of @driftprune/config (packages/config/src/env.ts)' }] },
  },
);
