#!/usr/bin/env node
// Runs one tier of tests with Node's own test runner (TypeScript through tsx) and prints its summary.
//   node scripts/run-tests.mjs unit|integration|e2e [--dir PATH] [--tap FILE] [extra node --test args]
// PATH is a folder (its tests of that tier) or one test file.
// Tiers by file name: *.test.ts (unit), *.int.test.ts (integration: real Postgres/Redis), *.e2e.test.ts (Chromium).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const args = process.argv.slice(2);
const tier = args.shift() ?? 'unit';
let dir = resolve(import.meta.dirname, '..');
let tap;
const extra = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--dir') dir = resolve(args[++i]);
  else if (args[i] === '--tap') tap = resolve(args[++i]);
  else extra.push(args[i]);
}
const SKIP = new Set(['node_modules', '.next', 'dist', '.turbo', '.git', '.data', 'out', 'test-results']);
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    if (SKIP.has(name)) continue;
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (tier === 'unit' ? /\.test\.ts$/.test(name) && !/\.(int|e2e)\.test\.ts$/.test(name) : name.endsWith(`.${tier === 'integration' ? 'int' : 'e2e'}.test.ts`))
      files.push(p);
  }
};
if (statSync(dir).isFile()) files.push(dir);
else walk(dir);
files.sort();
if (files.length === 0) {
  console.log(`no ${tier} tests under ${relative(process.cwd(), dir) || '.'}`);
  process.exit(0);
}
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
if (tap) reporters.push('--test-reporter=tap', `--test-reporter-destination=${tap}`);
// Integration and e2e tests share services (one Postgres, one Redis, ports): run their files one at a time.
const concurrency = tier === 'unit' ? [] : ['--test-concurrency=1'];
// A test or hook that hangs (say, a worker whose close() never returns) is cancelled and reported after 10 minutes,
// instead of holding the whole suite until CI's own limit.
const timeout = ['--test-timeout=600000'];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...timeout, ...concurrency, ...reporters, ...extra, ...files], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
