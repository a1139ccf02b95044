// The client side of scripts/gpu/queue-on-gpu-host.sh, through the public API only:
//   login --api URL --origin ORIGIN      a token of the demo user (devLogin, LOCAL_MODE) and its project:
//                                        prints TOKEN=… and PROJECT=… lines
//   wait --api URL --token T --sweep ID --out DIR [--timeout-s 480] [--device webgpu]
//                                        waits until the sweep's runs have finished, then reads back every run's
//                                        status, device, worker, metrics, refreshes, serving evaluations and
//                                        artifacts (each downloaded and checked against its sha256), and the
//                                        workers' backends; writes DIR/queue.json. Exit 1 unless every run
//                                        succeeded on a worker of the expected backend with metrics and artifacts.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphql } from 'driftprune/graphql';

function flag(argv: string[], name: string, fallback?: string): string {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

const RUN_FIELDS = `id status device paradigm seed params workerId attempts error startedAt finishedAt
  summary metrics(maxPoints: 100) { totalPoints points { window model ne auc logLoss flops sparsity warmup } }
  refreshes { window trigger widths flopsRatio }
  servingEvals { window model batchSize p50Ms samplesPerSec parityMaxAbsDiff }
  artifacts { id kind name sizeBytes sha256 downloadPath window }`;

interface RunRow {
  id: string;
  status: string;
  device: string;
  workerId: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  metrics: { totalPoints: number };
  artifacts: { id: string; kind: string; name: string; sizeBytes: number; sha256: string; downloadPath: string }[];
  [k: string]: unknown;
}

async function login(argv: string[]): Promise<number> {
  const api = flag(argv, 'api');
  // The dev login answers the dashboard only: a request from this machine to a loopback address with an Origin
  // listed in CORS_ORIGINS (apps/api/src/dev-login.ts). This client is on the same machine and says it is that origin.
  const origin = flag(argv, 'origin');
  const res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ query: 'mutation { devLogin { token } }' }) });
  const body = (await res.json()) as { data?: { devLogin: { token: string } }; errors?: { message: string }[] };
  if (!body.data) throw new Error(`devLogin: HTTP ${res.status} ${JSON.stringify(body.errors ?? body)}`);
  const token = body.data.devLogin.token;
  const p = await graphql<{ projects: { id: string; slug: string }[] }>(api, token, '{ projects { id slug } }', {});
  const project = p.projects.find((x) => x.slug === 'demo') ?? p.projects[0];
  if (!project) throw new Error('devLogin gave a user without a project');
  console.log(`TOKEN=${token}`);
  console.log(`PROJECT=${project.id}`);
  return 0;
}

async function wait(argv: string[]): Promise<number> {
  const api = flag(argv, 'api');
  const token = flag(argv, 'token');
  const sweepId = flag(argv, 'sweep');
  const out = flag(argv, 'out');
  const timeoutMs = Number(flag(argv, 'timeout-s', '480')) * 1000;
  const device = flag(argv, 'device', 'webgpu');
  mkdirSync(out, { recursive: true });
  const origin = new URL(api).origin;
  const t0 = Date.now();
  type SweepRow = { status: string; total: number; queued: number; running: number; succeeded: number; failed: number; cancelled: number };
  let sweep: SweepRow;
  for (;;) {
    sweep = (await graphql<{ sweep: SweepRow }>(api, token, 'query($id: ID!) { sweep(id: $id) { status total queued running succeeded failed cancelled } }', { id: sweepId })).sweep;
    const done = sweep.succeeded + sweep.failed + sweep.cancelled;
    console.error(`[queue-check ${((Date.now() - t0) / 1000).toFixed(0)} s] sweep ${sweep.status}: ${sweep.queued} queued, ${sweep.running} running, ${sweep.succeeded} succeeded, ${sweep.failed} failed`);
    if (done === sweep.total) break;
    if (Date.now() - t0 > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const waitedS = (Date.now() - t0) / 1000;
  // One query per run: the API prices a query by what it may return (query limits), a sweep's runs in one would not pass.
  const ids = (await graphql<{ sweep: { runs: { nodes: { id: string }[] } } }>(api, token, 'query($id: ID!) { sweep(id: $id) { runs(first: 50) { nodes { id } } } }', { id: sweepId })).sweep.runs.nodes;
  const runs: RunRow[] = [];
  for (const { id } of ids) runs.push((await graphql<{ run: RunRow }>(api, token, `query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id })).run);
  const workers = (await graphql<{ workers: { id: string; backend: string; device: string; activeRuns: string[] }[] }>(api, token, '{ workers { id backend device activeRuns } }', {})).workers;
  const problems: string[] = [];
  const downloads: Record<string, { name: string; bytes: number; sha256ok: boolean }[]> = {};
  for (const run of runs) {
    const worker = workers.find((w) => w.id === run.workerId);
    if (run.status !== 'succeeded') problems.push(`run ${run.id}: ${run.status}${run.error ? ` (${run.error.split('\n')[0]})` : ''}`);
    if (run.device !== device) problems.push(`run ${run.id}: device ${run.device}, expected ${device}`);
    if (!worker || worker.backend !== device) problems.push(`run ${run.id}: ran on worker ${run.workerId} with backend ${worker?.backend}`);
    if (run.metrics.totalPoints === 0) problems.push(`run ${run.id}: no metrics`);
    if (!run.artifacts.some((a) => a.kind === 'onnx')) problems.push(`run ${run.id}: no ONNX artifact`);
    downloads[run.id] = [];
    for (const a of run.artifacts.filter((x) => x.kind === 'onnx' || x.kind === 'report')) {
      const res = await fetch(origin + a.downloadPath, { headers: { authorization: `Bearer ${token}` } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const ok = res.ok && bytes.length === a.sizeBytes && createHash('sha256').update(bytes).digest('hex') === a.sha256;
      if (!ok) problems.push(`run ${run.id}: artifact ${a.name}: HTTP ${res.status}, ${bytes.length} bytes, sha256 ${ok ? 'ok' : 'mismatch'}`);
      downloads[run.id].push({ name: a.name, bytes: bytes.length, sha256ok: ok });
    }
  }
  if (runs.length !== sweep.total || runs.length === 0) problems.push(`the sweep lists ${runs.length} runs of ${sweep.total}`);
  const result = { date: new Date().toISOString(), api, sweepId, waitedS, sweep, workers, runs, downloads, problems, ok: problems.length === 0 };
  writeFileSync(join(out, 'queue.json'), JSON.stringify(result, null, 2));
  for (const run of runs) {
    const wall = run.startedAt && run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : NaN;
    console.error(`run ${run.id} ${run.status} on ${run.device} (worker ${run.workerId}): ${run.metrics.totalPoints} metric rows, ${run.artifacts.length} artifacts, ${wall.toFixed(1)} s`);
  }
  console.error(problems.length ? `queue-check: ${problems.length} problem(s):\n  ${problems.join('\n  ')}` : `queue-check: all ${runs.length} runs succeeded on ${device} workers; metrics and artifacts read back`);
  return problems.length ? 1 : 0;
}

export async function queueCheckMain(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'login') return login(rest);
  if (sub === 'wait') return wait(rest);
  console.error('usage: queue-check login --api URL --origin ORIGIN | wait --api URL --token T --sweep ID --out DIR [--timeout-s N] [--device webgpu]');
  return 2;
}
