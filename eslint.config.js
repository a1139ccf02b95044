// ESLint flat config for the whole monorepo (run from the root: npm run lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Borders. Apps (api, worker, web, cli) never import each other: what two apps share lives in a package (the job/event
// contract in packages/runs). Packages never import apps. Only system-tests/ and e2e/ may use several apps.
const APPS = { api: '@driftprune/api', worker: '@driftprune/worker', web: '@driftprune/web', cli: 'driftprune' };
const appImport = (name) => ({ group: [name, `${name}/*`], message: 'apps do not import other apps, and packages do not import apps: move what they share into a package' });
const otherApps = (self) => Object.entries(APPS).filter(([k]) => k !== self).map(([, name]) => appImport(name));
const restrictImports = (patterns) => ({ rules: { 'no-restricted-imports': ['error', { patterns }] } });

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
  ...Object.keys(APPS).map((app) => ({ files: [`apps/${app}/**`], ...restrictImports(otherApps(app)) })),
  { files: ['packages/**'], ...restrictImports(otherApps(null)) },
);
