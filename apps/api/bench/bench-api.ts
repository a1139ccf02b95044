#!/usr/bin/env tsx
// npm run bench:api — load benchmark of the platform API, bounded and on loopback only.
// Seeds a throwaway database (10k runs, 1M window-metric rows), starts the API as a child process on 127.0.0.1,
// and measures p50/p99 latency of two queries at 50 concurrent clients: the experiments list and one run's
// (downsampled) metric series; with the response cache (the default), with a simulated worker invalidating it ten
// times a second, and with the cache turned off. Writes the "Platform API" section of docs/performance.md.
//   env: BENCH_REQUESTS (per query, default 2000), BENCH_CACHED_REQUESTS (per query with the response cache, default
//   10000), BENCH_CONCURRENCY (50), BENCH_KEEP_DB=1 to keep the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { Redis } from 'ioredis';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { experimentConfig, loadEnv } from '@driftprune/config';
import { createDb, deployMigrations, dropDatabase, ensureDatabase, newApiToken, withDatabase } from '@driftprune/db';
import { DEMO_CONFIG } from '../src/demo.js';

const root = resolve(import.meta.dirname, '../../..');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
/** Requests per cached query at full concurrency: these run at thousands per second, and p99 needs enough samples. */
const CACHED_REQUESTS = Number(process.env.BENCH_CACHED_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const RUNS = 10_000;
const EXPERIMENTS = 100;
const WINDOWS_PER_RUN = 50; // × 2 models × 10k runs = 1M rows
const LONG_RUN_WINDOWS = 2_000; // the run whose series is queried: 4k rows, downsampled to 500 points per model
const PORT = 4000 + Math.floor(Math.random() * 1000) + 1000;
const QUEUE_PREFIX = `dpbench_${randomBytes(3).toString('hex')}`;
/** A simulated worker writes one window's metrics of the running run this often while it runs (ms). */
const WRITE_EVERY_MS = 100;

const log = (m: string) => console.error(`[bench:api] ${m}`);
const env = loadEnv();
const url = withDatabase(env.DATABASE_URL, `dp_bench_api_${process.pid}`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function seed() {
  const t0 = performance.now();
  await dropDatabase(url);
  await ensureDatabase(url);
  await deployMigrations(url);
  const db = createDb({ url, poolSize: 2 });
  const user = await db.user.create({ data: { email: 'bench@driftprune.local', name: 'bench' } });
  const project = await db.project.create({ data: { slug: 'bench', name: 'Bench' } });
  await db.membership.create({ data: { userId: user.id, projectId: project.id, role: 'viewer' } });
  const t = newApiToken();
  await db.apiToken.create({ data: { userId: user.id, name: 'bench', tokenHash: t.hash, prefix: t.prefix } });
  const config = JSON.stringify(experimentConfig.parse(DEMO_CONFIG));
  await db.$executeRawUnsafe(
    `INSERT INTO "Experiment" (id, "projectId", name, config, paradigm, "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1::uuid, 'experiment ' || g, $2::jsonb, 'adaptive_d2s', now() - g * interval '1 minute', now()
     FROM generate_series(1, ${EXPERIMENTS}) g`,
    project.id,
    config,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Run" (id, "projectId", "experimentId", config, seed, paradigm, status, progress, attempts, "createdAt", "updatedAt", "queuedAt", "startedAt", "finishedAt", "checkpointWindow")
     SELECT gen_random_uuid(), e."projectId", e.id, jsonb_set(e.config, '{pruning,budget}', to_jsonb(0.25 * (1 + s % 3))), s, e.paradigm,
            (ARRAY['succeeded','succeeded','succeeded','failed','running','queued']::"RunStatus"[])[1 + s % 6], 1, 1,
            e."createdAt" + s * interval '1 second', now(), now(), now(), now(), ${WINDOWS_PER_RUN - 1}
     FROM "Experiment" e, generate_series(1, ${RUNS / EXPERIMENTS}) s`,
  );
  log(`seeded ${EXPERIMENTS} experiments and ${RUNS} runs; writing ${RUNS * WINDOWS_PER_RUN * 2} metric rows …`);
  await db.$executeRawUnsafe(
    `INSERT INTO "WindowMetric" ("runId", "window", "windowId", model, rows, ne, "logLoss", auc, calibration, sparsity, flops, params, warmup)
     SELECT r.id, w, 'w' || w, m::"ModelRole", 4000, 0.8 + random() * 0.1, 0.45 + random() * 0.05, 0.7 + random() * 0.05, 1 + (random() - 0.5) * 0.1,
            CASE WHEN m = 'dense' THEN 0 ELSE 0.5 END, 1.2e5, 3.4e4, w < 2
     FROM "Run" r, generate_series(0, ${WINDOWS_PER_RUN - 1}) w, unnest(ARRAY['dense', 'serving']) m`,
  );
  const longRun = (await db.run.findFirst({ orderBy: { createdAt: 'asc' } }))!;
  // a second long series on a run still in progress: its metrics are never served from the finished-run cache
  const longRunning = (await db.run.findFirst({ where: { status: 'running' }, orderBy: { createdAt: 'asc' } }))!;
  for (const id of [longRun.id, longRunning.id])
    await db.$executeRawUnsafe(
    `INSERT INTO "WindowMetric" ("runId", "window", "windowId", model, rows, ne, "logLoss", auc, calibration, sparsity, flops, params, warmup)
     SELECT $1::uuid, w, 'w' || w, m::"ModelRole", 4000, 0.8 + random() * 0.1, 0.45, 0.72, 1, CASE WHEN m = 'dense' THEN 0 ELSE 0.5 END, 1.2e5, 3.4e4, false
     FROM generate_series(${WINDOWS_PER_RUN}, ${LONG_RUN_WINDOWS - 1}) w, unnest(ARRAY['dense', 'serving']) m`,
    id,
  );
  // A real database's autovacuum processes a table after this many inserts (autovacuum_vacuum_insert_threshold); a bulk
  // seed measured before it runs would read the heap for every index lookup (no visibility map: no index-only scans).
  await db.$executeRawUnsafe('VACUUM ANALYZE');
  const counts = { runs: await db.run.count(), metrics: await db.windowMetric.count() };
  await db.$disconnect();
  const seedSec = (performance.now() - t0) / 1000;
  log(`seeded in ${seedSec.toFixed(1)} s: ${counts.runs} runs, ${counts.metrics} metric rows`);
  return { token: t.token, projectId: project.id, longRunId: longRun.id, longRunningId: longRunning.id, counts, seedSec };
}

async function startApi(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', join(root, 'apps/api/src/main.ts')], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: url, API_HOST: '127.0.0.1', API_PORT: String(PORT), QUEUE_PREFIX, LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never leave the API behind, even when the benchmark itself fails.
  process.once('exit', () => child.kill('SIGKILL'));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error('the API did not start within 60 s')), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) {
        clearTimeout(timer);
        res();
      }
    });
    child.once('exit', (c) => rej(new Error(`the API exited with code ${c}`)));
  });
  return child;
}

interface Result {
  name: string;
  requests: number;
  errors: number;
  /** Responses answered from the response cache or from a concurrent identical request (x-response-cache: hit, shared). */
  hits: number;
  p50: number;
  p99: number;
  max: number;
  rps: number;
}

// node:http with a keep-alive pool, not fetch: the load generator shares the machine with the API and Postgres, and
// undici's fetch costs several times more CPU per request.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(body: string, token: string): Promise<{ status: number; text: string; cache: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: PORT, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), cache: res.headers['x-response-cache'] as string | undefined }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function load(name: string, body: string, token: string, concurrency = CONCURRENCY, requests = REQUESTS): Promise<Result> {
  let hits = 0;
  let calls = 0;
  const call = async () => {
    const t0 = performance.now();
    const res = await post(body, token);
    const ms = performance.now() - t0;
    // Apollo writes an error-free result as {"data":…}; every 50th body is parsed in full as well. (Parsing each
    // one would spend the load generator's CPU, on the same cores as the API, on work that is not the API's.)
    const ok = res.status === 200 && res.text.startsWith('{"data":') && (calls++ % 50 !== 0 || !(JSON.parse(res.text) as { errors?: unknown }).errors);
    if (!ok) throw new Error(`status ${res.status}: ${res.text.slice(0, 300)}`);
    if (res.cache === 'hit' || res.cache === 'shared') hits++;
    return ms;
  };
  // Warm-up at the measured concurrency: every client's keep-alive connection open, JIT and plan caches warm.
  for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: concurrency }, () => call()));
  hits = 0;
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        try {
          times.push(await call());
        } catch (e) {
          if (errors++ === 0) log(`${name}: first error: ${(e as Error).message.slice(0, 300)}`);
        }
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  const r = { name: `${name}, ${concurrency} client${concurrency > 1 ? 's' : ''}`, requests: times.length, errors, hits, p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1], rps: times.length / wall };
  log(`${name}: ${r.requests} ok, ${errors} errors, ${hits} cache hits, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.rps.toFixed(0)} req/s`);
  return r;
}

/**
 * A worker's writes as the API sees them: every WRITE_EVERY_MS one more window of the running run's metrics
 * (both models) upserted in Postgres, then announced on Redis exactly as apps/worker does (which drops cached
 * responses of the project). Returns a stop function.
 */
function simulateWorker(runId: string, projectId: string): () => Promise<number> {
  const db = createDb({ url, poolSize: 1 });
  const redis = new Redis(env.REDIS_URL);
  let window = LONG_RUN_WINDOWS;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const w = window++;
      await db.$executeRawUnsafe(
        `INSERT INTO "WindowMetric" ("runId", "window", "windowId", model, rows, ne, "logLoss", auc, calibration, sparsity, flops, params, warmup)
         SELECT $1::uuid, $2::int, 'w' || $2::int, m::"ModelRole", 4000, 0.85, 0.45, 0.72, 1, 0.5, 1.2e5, 3.4e4, false FROM unnest(ARRAY['dense', 'serving']) m
         ON CONFLICT ("runId", "window", model) DO NOTHING`,
        runId,
        w,
      );
      for (const model of ['dense', 'serving']) await redis.publish(`${QUEUE_PREFIX}:events:metric`, JSON.stringify({ runId, projectId, window: w, model }));
      await new Promise((r) => setTimeout(r, WRITE_EVERY_MS));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    await db.$disconnect();
    redis.disconnect();
    return window - LONG_RUN_WINDOWS;
  };
}

async function stopApi(api: ChildProcess) {
  api.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
}

async function writeSection(text: string) {
  const file = join(root, 'docs/performance.md');
  const current = existsSync(file) ? await readFile(file, 'utf8') : '# Performance\n';
  const heading = '## Platform API';
  const start = current.indexOf(heading);
  let out: string;
  if (start < 0) out = current.replace(/\n*$/, '\n\n') + text;
  else {
    const rest = current.slice(start + heading.length);
    const nextHeading = rest.search(/\n## /);
    out = current.slice(0, start) + text + (nextHeading >= 0 ? rest.slice(nextHeading) : '');
  }
  await writeFile(file, out.replace(/\n*$/, '\n'));
}

const load0 = loadavg()[0];
const seeded = await seed();
const bodies = {
  experiments: JSON.stringify({ query: 'query($p: ID!) { experiments(projectId: $p, first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { id name paradigm createdAt runCount } } }', variables: { p: seeded.projectId } }),
  metrics: JSON.stringify({ query: 'query($r: ID!) { runMetrics(runId: $r, maxPoints: 500) { totalPoints downsampled bucketSize points { window windowEnd model ne logLoss auc calibration } } }', variables: { r: seeded.longRunId } }),
  runningMetrics: JSON.stringify({ query: 'query($r: ID!) { runMetrics(runId: $r, maxPoints: 500) { totalPoints downsampled bucketSize points { window windowEnd model ne logLoss auc calibration } } }', variables: { r: seeded.longRunningId } }),
  runs: JSON.stringify({ query: 'query($p: ID!) { runs(projectId: $p, first: 50, filter: { status: [succeeded], params: [{ path: "pruning.budget", equals: 0.5 }] }) { totalCount nodes { id status progress seed params } } }', variables: { p: seeded.projectId } }),
};
const cached: Result[] = [];
const uncached: Result[] = [];
let windowsWritten = 0;
let api = await startApi();
try {
  // With the response cache (the default configuration).
  cached.push(await load('experiments list', bodies.experiments, seeded.token, 1, 200));
  cached.push(await load("one run's metrics", bodies.metrics, seeded.token, 1, 200));
  cached.push(await load('experiments list', bodies.experiments, seeded.token, CONCURRENCY, CACHED_REQUESTS));
  cached.push(await load("one run's metrics", bodies.metrics, seeded.token, CONCURRENCY, CACHED_REQUESTS));
  cached.push(await load('runs list (status + config-param filter)', bodies.runs, seeded.token, CONCURRENCY, CACHED_REQUESTS));
  // A run in progress whose worker writes a window every WRITE_EVERY_MS: each write drops the project's cached responses.
  const stopWorker = simulateWorker(seeded.longRunningId, seeded.projectId);
  try {
    cached.push(await load(`one running run's metrics, a window written every ${WRITE_EVERY_MS} ms`, bodies.runningMetrics, seeded.token, CONCURRENCY, CACHED_REQUESTS));
    cached.push(await load(`experiments list, a window written every ${WRITE_EVERY_MS} ms`, bodies.experiments, seeded.token, CONCURRENCY, CACHED_REQUESTS));
  } finally {
    windowsWritten = await stopWorker();
  }
  await stopApi(api);
  // The same queries with the response cache off: what executing them costs.
  api = await startApi({ API_RESPONSE_CACHE_MS: '0' });
  uncached.push(await load('experiments list', bodies.experiments, seeded.token, 1, 200));
  uncached.push(await load("one run's metrics (finished run: series cached by metric-cache.ts)", bodies.metrics, seeded.token, 1, 200));
  uncached.push(await load("one running run's metrics", bodies.runningMetrics, seeded.token, 1, 200));
  uncached.push(await load('experiments list', bodies.experiments, seeded.token));
  uncached.push(await load("one run's metrics (finished run: series cached by metric-cache.ts)", bodies.metrics, seeded.token));
  uncached.push(await load("one running run's metrics", bodies.runningMetrics, seeded.token));
  uncached.push(await load('runs list (status + config-param filter)', bodies.runs, seeded.token));

  const row = (r: Result) => `| ${r.name} | ${r.requests} | ${r.errors} | ${r.hits} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.rps.toFixed(0)} |`;
  const header = '| query | requests | errors | cache hits | p50 ms | p99 ms | max ms | req/s |\n|---|---|---|---|---|---|---|---|';
  const at50 = (rs: Result[]) => rs.filter((r) => r.name.endsWith(`${CONCURRENCY} clients`));
  const verdict = (rs: Result[]) => at50(rs).map((r) => `${r.name.replace(`, ${CONCURRENCY} clients`, '')}: p99 ${r.p99.toFixed(0)} ms (${r.p99 < 100 ? 'met' : 'missed'})`).join('; ');
  const text = `## Platform API

\`npm run bench:api\` (apps/api/bench/bench-api.ts), measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine
(${cpus().length} cores, load average ${load0.toFixed(1)} when the benchmark started).
Seeded database: ${seeded.counts.runs} runs in ${EXPERIMENTS} experiments, ${seeded.counts.metrics} window-metric rows (seeding took ${seeded.seedSec.toFixed(0)} s).
The API runs as its own process on 127.0.0.1 (NODE_ENV=production, Postgres pool of 20); the load generator is another
process (node:http, keep-alive; it checks each body's start and parses every 50th in full): 1 client (200 requests) and ${CONCURRENCY} concurrent clients (${CACHED_REQUESTS} requests per query with the response
cache, ${REQUESTS} without), after 5 × ${CONCURRENCY} warm-up requests at the same concurrency. All of it (API, Postgres, Redis, load generator) shares the ${cpus().length} cores.

Queries: experiments list = \`experiments(first: 20)\` with totalCount and each experiment's runCount; one run's metrics =
\`runMetrics(maxPoints: 500)\` of a finished run with ${LONG_RUN_WINDOWS} windows × 2 models (downsampled to 500 points per model);
the same for a running run; runs list = \`runs(first: 50)\` filtered by status and by \`pruning.budget\` inside the JSON config.

**With the response cache** (the default; apps/api/src/response-cache/): a read-only query's serialized response is
reused per caller until a write in its project (announced by a mutation or a worker's event) or the TTL (10 s). The
"window written" rows run a simulated worker meanwhile: every ${WRITE_EVERY_MS} ms it upserts one window of the running
run's metrics in Postgres and announces it on Redis as apps/worker does (${windowsWritten} windows written), so the
project's cached responses are dropped ten times a second; the next request of each kind executes again, and
identical requests arriving while it runs share its result ("cache hits" counts both).

${header}
${cached.map(row).join('\n')}

**With the response cache off** (\`API_RESPONSE_CACHE_MS=0\`): every request executes (GraphQL, Prisma, Postgres);
the finished run's downsampled series still comes from the in-process metric-series cache.

${header}
${uncached.map(row).join('\n')}

Goal p99 < 100 ms at ${CONCURRENCY} clients. With the cache: ${verdict(cached)}. Without it: ${verdict(uncached)}.
Latency at ${CONCURRENCY} concurrent clients is mostly queueing: p50 ≈ ${CONCURRENCY} / throughput, and the 1-client rows give the
cost of one request. The metric series is downsampled in Postgres (one GROUP BY over the run's rows, using the
(runId, window, model) unique index), so its cost grows with the run's length, not with the 1M rows of other runs.
`;
  await writeSection(text);
  log('wrote the "Platform API" section of docs/performance.md');
} finally {
  agent.destroy();
  await stopApi(api);
  if (!process.env.BENCH_KEEP_DB) await dropDatabase(url);
}
