// Submitting the compiled sweeps through the API, waiting for the workers with progress, and fetching every run's
// summary, window metrics, refreshes and serving timings back through the API.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gql, type Platform } from './platform.js';
import { dataSeedPaths, type CompiledSweep, type StreamId } from './plan.js';

/** One window of one model, as the API reports it. */
export interface WindowPoint {
  rows: number;
  ne: number | null;
  logLoss: number;
  auc: number | null;
  flops: number;
  params: number;
  warmup: boolean;
  excluded: string | null;
}

export interface RunRecord {
  id: string;
  study: string;
  stream: StreamId;
  arm: string;
  status: string;
  error: string | null;
  initSeed: number;
  dataSeed: number;
  /** null for dense runs. */
  budget: number | null;
  allocation: string | null;
  config: Record<string, any>;
  summary: Record<string, any> | null;
  startedAt: string | null;
  finishedAt: string | null;
  workerId: string | null;
  windows: { window: number; dense?: WindowPoint; serving?: WindowPoint }[];
  refreshes: { window: number; trigger: string; jaccard: number; flopsRatio: number; widths: Record<string, number> }[];
  servingEvals: { model: 'dense' | 'serving'; batchSize: number; p50Ms: number; p99Ms: number; samplesPerSec: number }[];
}

export interface SubmittedSweep {
  sweepId: string;
  experimentId: string;
  /**
   * Of the base config, the sweep and the code that computes the results: a changed plan, or changed code, submits a
   * new sweep instead of reusing this one's runs.
   */
  fingerprint: string;
}

export type SweepState = Record<string, SubmittedSweep>;

export function fingerprint(base: unknown, sweep: unknown, code: string): string {
  return createHash('sha256').update(JSON.stringify({ base, sweep, code })).digest('hex').slice(0, 16);
}

export function readState(path: string): SweepState {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SweepState) : {};
}

const CREATE_EXPERIMENT = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }';
const SUBMIT_SWEEP = 'mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total } }';
const SWEEP_STATUS = 'query($id: ID!) { sweep(id: $id) { id status total queued running succeeded failed cancelled } }';

/**
 * Submits each sweep unless the state file holds one with the same fingerprint (a rerun resumes: the platform keeps
 * the runs, the workers pick up what is still queued). Saves the state after every submission.
 */
export async function submitAll(
  p: Platform,
  sweeps: { compiled: CompiledSweep; base: Record<string, unknown>; title: string }[],
  o: { statePath: string; code: string; log: (s: string) => void },
): Promise<SweepState> {
  const { statePath, log } = o;
  const state = readState(statePath);
  for (const { compiled, base, title } of sweeps) {
    const fp = fingerprint(base, compiled.sweep, o.code);
    const known = state[compiled.key];
    if (known?.fingerprint === fp) {
      const r = await gql<{ sweep: { id: string } | null }>(p, SWEEP_STATUS, { id: known.sweepId });
      if (r.sweep) {
        log(`${compiled.key}: sweep ${known.sweepId} already submitted`);
        continue;
      }
    }
    const exp = await gql<{ createExperiment: { id: string } }>(p, CREATE_EXPERIMENT, {
      i: { projectId: p.projectId, name: `compare · ${title}`, description: `docs/results.md comparison, study ${compiled.study}`, config: base },
    });
    const sub = await gql<{ submitSweep: { id: string; total: number } }>(p, SUBMIT_SWEEP, { i: { experimentId: exp.createExperiment.id, sweep: compiled.sweep, maxAttempts: 2 } });
    state[compiled.key] = { sweepId: sub.submitSweep.id, experimentId: exp.createExperiment.id, fingerprint: fp };
    writeFileSync(statePath, JSON.stringify(state, null, 1) + '\n');
    log(`${compiled.key}: submitted sweep ${sub.submitSweep.id} (${sub.submitSweep.total} runs)`);
  }
  return state;
}

interface SweepCounts {
  id: string;
  status: string;
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

/** Polls the sweeps until none has a queued or running run, printing progress and an ETA from this session's pace. */
export async function waitAll(p: Platform, sweepIds: string[], o: { everyMs: number; log: (s: string) => void }): Promise<SweepCounts[]> {
  const t0 = Date.now();
  let doneAtStart: number | null = null;
  let last = '';
  for (;;) {
    const counts = await Promise.all(sweepIds.map(async (id) => (await gql<{ sweep: SweepCounts }>(p, SWEEP_STATUS, { id })).sweep));
    const sum = (k: keyof SweepCounts) => counts.reduce((a, c) => a + (c[k] as number), 0);
    const total = sum('total');
    const finished = sum('succeeded') + sum('failed') + sum('cancelled');
    doneAtStart ??= finished;
    const elapsed = (Date.now() - t0) / 1000;
    const pace = finished > doneAtStart ? elapsed / (finished - doneAtStart) : null;
    const eta = pace === null ? '?' : `${Math.round((pace * (total - finished)) / 60)} min`;
    const line = `${finished}/${total} finished (${sum('succeeded')} succeeded, ${sum('failed')} failed, ${sum('cancelled')} cancelled), ${sum('running')} running, ${sum('queued')} queued · ${Math.round(elapsed / 60)} min · ETA ${eta}`;
    if (line !== last) o.log(line);
    last = line;
    if (sum('queued') + sum('running') === 0) return counts;
    await new Promise((r) => setTimeout(r, o.everyMs));
  }
}

const SWEEP_RUNS = `query($id: ID!, $after: String) { sweep(id: $id) { runs(first: 200, after: $after) {
  nodes { id status seed config summary error startedAt finishedAt workerId }
  pageInfo { hasNextPage endCursor } } } }`;
const RUN_DETAIL = `query($id: ID!) { run(id: $id) {
  metrics(maxPoints: 2000) { downsampled points { window model rows ne logLoss auc flops params warmup excluded } }
  refreshes { window trigger jaccard flopsRatio widths }
  servingEvals { model batchSize p50Ms p99Ms samplesPerSec } } }`;

interface RunNode {
  id: string;
  status: string;
  seed: number;
  config: Record<string, any>;
  summary: Record<string, any> | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  workerId: string | null;
}

function pathValue(o: Record<string, any>, path: string): unknown {
  return path.split('.').reduce<any>((v, k) => (v == null ? undefined : v[k]), o);
}

/** Every run of a sweep with its window metrics, refreshes and serving timings. */
export async function fetchSweep(p: Platform, compiled: CompiledSweep, sweepId: string, stream: StreamId): Promise<RunRecord[]> {
  const nodes: RunNode[] = [];
  for (let after: string | null = null; ; ) {
    const r: { sweep: { runs: { nodes: RunNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } = await gql(p, SWEEP_RUNS, { id: sweepId, after });
    nodes.push(...r.sweep.runs.nodes);
    if (!r.sweep.runs.pageInfo.hasNextPage) break;
    after = r.sweep.runs.pageInfo.endCursor;
  }
  const out: RunRecord[] = [];
  for (const n of nodes) {
    const kind = n.config.paradigm.kind as string;
    const arm = compiled.armOfKind[kind];
    if (!arm) throw new Error(`run ${n.id} of sweep ${sweepId} has paradigm ${kind}, which no arm of ${compiled.key} has`);
    const d = (await gql<{ run: { metrics: { downsampled: boolean; points: (WindowPoint & { window: number; model: 'dense' | 'serving' })[] }; refreshes: RunRecord['refreshes']; servingEvals: RunRecord['servingEvals'] } }>(p, RUN_DETAIL, { id: n.id })).run;
    if (d.metrics.downsampled) throw new Error(`run ${n.id}: the API downsampled its metrics; raise maxPoints`);
    const byWindow = new Map<number, RunRecord['windows'][number]>();
    for (const { window, model, ...m } of d.metrics.points) {
      const w = byWindow.get(window) ?? { window };
      w[model] = m;
      byWindow.set(window, w);
    }
    out.push({
      id: n.id,
      study: compiled.study,
      stream,
      arm,
      status: n.status,
      error: n.error,
      initSeed: n.seed,
      dataSeed: Number(pathValue(n.config, dataSeedPaths(stream).swept)),
      budget: kind === 'dense' ? null : (n.config.pruning?.budget ?? null),
      allocation: kind === 'dense' ? null : (n.config.pruning?.allocation ?? null),
      config: n.config,
      summary: n.summary,
      startedAt: n.startedAt,
      finishedAt: n.finishedAt,
      workerId: n.workerId,
      windows: [...byWindow.values()].sort((a, b) => a.window - b.window),
      refreshes: d.refreshes,
      servingEvals: d.servingEvals,
    });
  }
  return out;
}
