#!/usr/bin/env tsx
// Where one request's time goes, measured in-process against an existing (e.g. bench-seeded) database, one request
// at a time: token lookup, the SQL of each hot query, and the whole GraphQL request through the real server.
//   PROFILE_DB=dp_bench_api_123 tsx apps/api/bench/profile-api.ts   (keep one with BENCH_KEEP_DB=1 npm run bench:api)
import { loadEnv } from '@driftprune/config';
import { createDb, newApiToken, withDatabase } from '@driftprune/db';
import { Authenticator } from '../src/auth.js';
import { metricSeries } from '../src/downsample.js';
import { startApiServer } from '../src/server.js';

const dbName = process.env.PROFILE_DB;
if (!dbName) throw new Error('set PROFILE_DB to a database seeded by npm run bench:api (BENCH_KEEP_DB=1)');
const N = Number(process.env.PROFILE_N ?? 100);
const env = loadEnv({ ...process.env, DATABASE_URL: withDatabase(loadEnv().DATABASE_URL, dbName), QUEUE_PREFIX: `dpprof_${process.pid}` } as Record<string, string>);
const db = createDb({ url: env.DATABASE_URL, poolSize: 4 });
const project = (await db.project.findFirstOrThrow())!;
const user = (await db.user.findFirstOrThrow())!;
const t = newApiToken();
await db.apiToken.create({ data: { userId: user.id, name: `profile ${process.pid}`, tokenHash: t.hash, prefix: t.prefix } });
const longRun = (await db.run.findFirstOrThrow({ orderBy: { createdAt: 'asc' } }))!;

async function time(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name.padEnd(48)} p50 ${ms[Math.floor(N / 2)].toFixed(2)} ms   p90 ${ms[Math.floor(N * 0.9)].toFixed(2)} ms`);
}

const api = await startApiServer({ env, db, port: 0, log: () => {} });
const gql = (query: string, variables: Record<string, unknown>) =>
  fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` }, body: JSON.stringify({ query, variables }) }).then((r) => r.json());
try {
  const auth = new Authenticator(db);
  await time('token lookup (cache cleared each time)', async () => {
    auth.clear();
    await auth.authenticate(t.token);
  });
  await time('token lookup (cached)', () => auth.authenticate(t.token));
  await time('SELECT 1 through Prisma', () => db.$queryRaw`SELECT 1`);
  await time('run by id (Prisma findUnique)', () => db.run.findUnique({ where: { id: longRun.id } }));
  await time('metric series SQL (metricSeries)', () => metricSeries(db, { runId: longRun.id, maxPoints: 500 }));
  await time('experiments page + count (Prisma, _count)', () =>
    Promise.all([
      db.experiment.findMany({ where: { projectId: project.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 21, include: { _count: { select: { runs: true } } } }),
      db.experiment.count({ where: { projectId: project.id } }),
    ]),
  );
  await time('GraphQL health', () => gql('{ health { ok } }', {}));
  await time('GraphQL experiments list', () =>
    gql('query($p: ID!) { experiments(projectId: $p, first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { id name paradigm createdAt runCount } } }', { p: project.id }),
  );
  await time("GraphQL one run's metrics", () =>
    gql('query($r: ID!) { runMetrics(runId: $r, maxPoints: 500) { totalPoints downsampled bucketSize points { window windowEnd model ne logLoss auc calibration } } }', { r: longRun.id }),
  );
} finally {
  await db.apiToken.deleteMany({ where: { tokenHash: t.hash } });
  await api.close();
  await db.$disconnect();
}
