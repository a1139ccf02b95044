// The comparison through the real platform on a tiny grid: the API and two workers started by runComparison (own
// database and queue prefix), a sweep submitted over GraphQL, runs executed by the workers and fetched back, the report
// written; a second invocation resumes (submits nothing) and re-analyses.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { dropDatabase, withDatabase } from '@driftprune/db';
import { ARMS, type Study } from './plan.js';
import { runComparison, type ComparisonOptions } from './run.js';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const databaseUrl = withDatabase(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres', `dp_test_compare_${suffix}`);
const queuePrefix = `dptest_compare_${suffix}`;
let tmp = '';

after(async () => {
  await dropDatabase(databaseUrl);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('a tiny comparison runs through the API and two workers, and a rerun resumes without submitting again', { timeout: 480_000 }, async () => {
  tmp = await mkdtemp(join(tmpdir(), 'dp-compare-'));
  const study: Study = { id: 'tiny', title: 'tiny synthetic', stream: 'synthetic', arms: [ARMS.pruneOnce, ARMS.d2s1], budgets: [0.75], dataSeeds: [1, 2], initSeeds: [1] };
  const lines: string[] = [];
  const options: ComparisonOptions = {
    repoRoot,
    studies: [study],
    armOrder: ['prune_once', 'd2s r=1'],
    allocationOrder: [],
    scale: 'quick',
    outDir: join(tmp, 'out'),
    reportDir: join(tmp, 'report'),
    platform: { start: { workers: 2, niceness: 0, databaseUrl, queuePrefix } },
    pollMs: 500,
    command: 'compare.int.test.ts',
    log: (s) => lines.push(s),
  };
  const first = await runComparison(options);
  assert.equal(first.records.length, 4, lines.join('\n'));
  for (const r of first.records) {
    assert.equal(r.status, 'succeeded', `${r.id}: ${r.error}`);
    assert.ok(r.windows.filter((w) => w.serving && !w.serving.warmup).length >= 2, 'evaluation windows with a serving model');
    // Only the first data seed's runs export their final models (for the serving timings).
    assert.equal(r.servingEvals.some((e) => e.model === 'serving'), r.dataSeed === 1, `serving evaluated in ${r.arm} seed ${r.dataSeed}`);
  }
  assert.deepEqual(new Set(first.records.map((r) => `${r.arm}|${r.dataSeed}|${r.initSeed}`)), new Set(['prune_once|1|1', 'prune_once|2|1', 'd2s r=1|1|1', 'd2s r=1|2|1']));
  // Both workers took runs.
  assert.equal(new Set(first.records.map((r) => r.workerId)).size, 2);
  const md = await readFile(join(tmp, 'report', 'compare.md'), 'utf8');
  assert.match(md, /\| d2s r=1 \| 2 \| [+-]\d/);
  assert.match(md, /paired Δ vs prune_once/);
  const files = await readdir(join(tmp, 'report'));
  assert.ok(files.includes('forest-synthetic.svg') && files.includes('trace-synthetic-75.svg'), files.join(', '));
  const csv = (await readFile(join(tmp, 'report', 'compare-runs.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv.length, 5);
  // The final models of one run per arm, downloaded through the API and timed at two batch sizes.
  const serving = JSON.parse(await readFile(join(tmp, 'out', 'serving.json'), 'utf8')) as { arm: string; batchSize: number; speedup: number }[];
  assert.deepEqual(serving.map((s) => `${s.arm}|${s.batchSize}`).sort(), ['d2s r=1|512', 'd2s r=1|64', 'prune_once|512', 'prune_once|64']);
  assert.ok(serving.every((s) => s.speedup > 0));
  assert.match(md, /## Serving speed-up of the evaluated models/);

  lines.length = 0;
  const second = await runComparison(options);
  assert.ok(lines.some((l) => /already submitted/.test(l)) && !lines.some((l) => /submitted sweep/.test(l)), lines.join('\n'));
  assert.deepEqual(second.records.map((r) => r.id).sort(), first.records.map((r) => r.id).sort());
  const again = await runComparison({ ...options, analyseOnly: true });
  assert.equal(again.report.markdown, second.report.markdown);
});
