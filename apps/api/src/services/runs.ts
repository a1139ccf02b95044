// The GraphQL side of a run's life: validates what a caller asks for (configs, sweeps, queue options) and hands it to
// @driftprune/runs, which writes the rows, the statuses, the queue and the events.
import { randomUUID } from 'node:crypto';
import { experimentConfig, expandSweep, parseConfig, parseYamlText, runQueueOptions, type ExperimentConfig, type RunQueueOptions } from '@driftprune/config';
import { liveRunIdsOfSweep, Prisma, runById, sweepById, type ArtifactStore, type Db, type Experiment, type Run, type Sweep } from '@driftprune/db';
import { cancelRuns, deleteRuns, retryRun as retryRunTransition, RunEvents, RunTransitionError, submitRuns, type LifecycleDeps, type Publisher, type RunQueues } from '@driftprune/runs';
import { apiError, badInput, validated } from '../errors.js';

/** The largest sweep one call may submit. */
export const MAX_SWEEP_RUNS = 1_000;

export interface RunDeps {
  db: Db;
  queues: RunQueues;
  redis: Publisher;
  prefix: string;
  /** Where run files are (deletes). */
  store?: ArtifactStore;
  /** Checks a config's data.dataset against the project's datasets (and fills a csv mapping from it). */
  bindData?: (projectId: string, config: ExperimentConfig) => Promise<ExperimentConfig>;
}

/** A config may arrive as a JSON object or as YAML/JSON text. */
export function configInput(value: unknown, what: string): unknown {
  if (typeof value === 'string') return validated(() => parseYamlText(value, what));
  return value;
}

export function checkPriority(priority: number | null | undefined, maxAttempts: number | null | undefined): RunQueueOptions {
  return validated(() => parseConfig(runQueueOptions, { priority, maxAttempts }, 'queue options'));
}

function runData(exp: Experiment, config: ExperimentConfig, extra: { sweepId?: string; params?: Record<string, unknown>; priority: number; maxAttempts: number }) {
  return {
    id: randomUUID(),
    projectId: exp.projectId,
    experimentId: exp.id,
    sweepId: extra.sweepId ?? null,
    config: config as unknown as Prisma.InputJsonValue,
    params: (extra.params ?? Prisma.DbNull) as Prisma.InputJsonValue,
    seed: config.seed,
    paradigm: config.paradigm.kind,
    device: config.engine.device,
    priority: extra.priority,
    maxAttempts: extra.maxAttempts,
  };
}

/** The lifecycle package's view of the API's services. */
function lifecycle(deps: RunDeps): LifecycleDeps {
  return { db: deps.db, queues: deps.queues, events: new RunEvents(deps.redis, deps.prefix), store: deps.store };
}

/** A refused transition (the run changed meanwhile, or is in a state the operation does not start from). */
export function refused(e: unknown): never {
  if (e instanceof RunTransitionError) {
    if (e.code === 'RUN_NOT_FOUND') throw apiError('NOT_FOUND', e.message, { reason: e.code });
    throw badInput(e.message, undefined, { reason: e.code, status: e.status });
  }
  throw e;
}

export async function submitRun(deps: RunDeps, exp: Experiment, input: { config?: unknown; seed?: number | null; priority?: number | null; maxAttempts?: number | null }): Promise<Run> {
  const { priority, maxAttempts } = checkPriority(input.priority, input.maxAttempts);
  const raw = input.config != null ? configInput(input.config, 'run config') : exp.config;
  let config = validated(() => parseConfig(experimentConfig, raw, 'run config'));
  if (input.seed != null) config = validated(() => parseConfig(experimentConfig, { ...config, seed: input.seed }, 'run config'));
  if (deps.bindData) config = await deps.bindData(exp.projectId, config);
  const [run] = await submitRuns(lifecycle(deps), [runData(exp, config, { priority, maxAttempts })]);
  return run;
}

export async function submitSweep(deps: RunDeps, exp: Experiment, input: { sweep: unknown; priority?: number | null; maxAttempts?: number | null }) {
  const { priority, maxAttempts } = checkPriority(input.priority, input.maxAttempts);
  const raw = configInput(input.sweep, 'sweep');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw badInput('sweep must be an object (name, method, parameters, seeds …)');
  const sweepInput = { base: exp.config, ...(raw as Record<string, unknown>) };
  const points = validated(() => expandSweep(sweepInput));
  if (points.length === 0) throw badInput('the sweep expands to no runs');
  if (points.length > MAX_SWEEP_RUNS) throw badInput(`the sweep expands to ${points.length} runs; the limit is ${MAX_SWEEP_RUNS}`);
  const method = (sweepInput as { method?: string }).method ?? 'grid';
  const seeds = [...new Set(points.map((p) => p.seed))];
  const sweepId = randomUUID();
  // a sweep may vary data.dataset: every point is checked (once per distinct dataset)
  const bound = new Map<string, Promise<ExperimentConfig['data']>>();
  const bind = async (c: ExperimentConfig) => {
    if (!deps.bindData || !c.data.dataset) return c;
    const key = JSON.stringify([c.data.dataset, c.data.source, c.data.csv ?? null]);
    if (!bound.has(key)) bound.set(key, deps.bindData(exp.projectId, c).then((b) => b.data));
    // binding only adds a csv mapping; every other data field stays the point's own
    return { ...c, data: { ...c.data, csv: (await bound.get(key)!).csv } };
  };
  const configs = await Promise.all(points.map((p) => bind(p.config)));
  const data = points.map((p, i) => runData(exp, configs[i], { sweepId, params: p.params, priority, maxAttempts }));
  await submitRuns(lifecycle(deps), data, {
    id: sweepId,
    projectId: exp.projectId,
    experimentId: exp.id,
    name: String((sweepInput as { name?: string }).name ?? `${exp.name} sweep`),
    method,
    config: sweepInput as Prisma.InputJsonValue,
    seeds,
  });
  return (await sweepById(deps.db, sweepId))!;
}

/** A queued run is cancelled at once; a running one is asked to stop (its worker aborts within one mini-batch). */
export async function cancelRun(deps: RunDeps, run: Run): Promise<Run> {
  if (run.status === 'cancelled') return run;
  if (run.status !== 'queued' && run.status !== 'running') throw badInput(`run ${run.id} already ${run.status}; only queued or running runs can be cancelled`, undefined, { reason: 'ILLEGAL_TRANSITION', status: run.status });
  await cancelRuns(lifecycle(deps), [run.id]);
  return (await runById(deps.db, run.id)) ?? refused(new RunTransitionError('RUN_NOT_FOUND', 'cancel', run.id, null));
}

/** Every queued or running run of a sweep, in one batch. */
export async function cancelSweep(deps: RunDeps, sweep: Sweep): Promise<Sweep> {
  await cancelRuns(lifecycle(deps), await liveRunIdsOfSweep(deps.db, sweep.id));
  return (await sweepById(deps.db, sweep.id))!;
}

export async function retryRun(deps: RunDeps, run: Run): Promise<Run> {
  if (run.status !== 'failed' && run.status !== 'cancelled') throw badInput(`run ${run.id} is ${run.status}; only failed or cancelled runs can be retried`, undefined, { reason: 'ILLEGAL_TRANSITION', status: run.status });
  return retryRunTransition(lifecycle(deps), run.id).catch(refused);
}

/**
 * Deletes runs and their files (one run, a sweep, an experiment): `removeRows` deletes the rows, whose cascade takes
 * the runs with it. See deleteRuns in @driftprune/runs for the order and why.
 */
export function deleteRunsAndFiles(deps: RunDeps & { store: ArtifactStore }, projectId: string, runs: readonly Pick<Run, 'id' | 'status' | 'sweepId'>[], removeRows: () => Promise<unknown>) {
  return deleteRuns({ ...lifecycle(deps), store: deps.store }, projectId, runs, removeRows);
}
