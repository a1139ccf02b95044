// Submitting, cancelling and retrying runs: the database row first (the source of truth), then the queue.
import { randomUUID } from 'node:crypto';
import { experimentConfig, expandSweep, parseConfig, parseYamlText, runQueueOptions, type ExperimentConfig, type RunQueueOptions } from '@driftprune/config';
import { Prisma, refreshSweepStatus, type Db, type Experiment, type Run } from '@driftprune/db';
import { channels, publishJson, type Publisher, type RunQueues } from '@driftprune/runs';
import { badInput, validated } from '../errors.js';

/** The largest sweep one call may submit. */
export const MAX_SWEEP_RUNS = 1_000;

export interface RunDeps {
  db: Db;
  queues: RunQueues;
  redis: Publisher;
  prefix: string;
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

async function announce(deps: RunDeps, run: Pick<Run, 'id' | 'projectId' | 'status'>) {
  await publishJson(deps.redis, channels(deps.prefix).run, { projectId: run.projectId, runId: run.id, status: run.status });
}

/** Enqueues rows already in the database; a run whose job cannot be enqueued is marked failed with the reason. */
async function enqueueAll(deps: RunDeps, runs: Run[]) {
  for (const run of runs) {
    try {
      await deps.queues.enqueue(run);
    } catch (e) {
      await deps.db.run.update({ where: { id: run.id }, data: { status: 'failed', error: `could not enqueue: ${(e as Error).message}`, finishedAt: new Date() } });
    }
  }
}

export async function submitRun(deps: RunDeps, exp: Experiment, input: { config?: unknown; seed?: number | null; priority?: number | null; maxAttempts?: number | null }): Promise<Run> {
  const { priority, maxAttempts } = checkPriority(input.priority, input.maxAttempts);
  const raw = input.config != null ? configInput(input.config, 'run config') : exp.config;
  let config = validated(() => parseConfig(experimentConfig, raw, 'run config'));
  if (input.seed != null) config = validated(() => parseConfig(experimentConfig, { ...config, seed: input.seed }, 'run config'));
  if (deps.bindData) config = await deps.bindData(exp.projectId, config);
  const run = await deps.db.run.create({ data: runData(exp, config, { priority, maxAttempts }) });
  await enqueueAll(deps, [run]);
  await announce(deps, run);
  return (await deps.db.run.findUnique({ where: { id: run.id } }))!;
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
  await deps.db.$transaction([
    deps.db.sweep.create({
      data: {
        id: sweepId,
        projectId: exp.projectId,
        experimentId: exp.id,
        name: String((sweepInput as { name?: string }).name ?? `${exp.name} sweep`),
        method,
        config: sweepInput as Prisma.InputJsonValue,
        seeds,
        total: data.length,
        queued: data.length,
      },
    }),
    deps.db.run.createMany({ data }),
  ]);
  const runs = await deps.db.run.findMany({ where: { sweepId }, orderBy: { createdAt: 'asc' } });
  await enqueueAll(deps, runs);
  await refreshSweepStatus(deps.db, sweepId);
  for (const r of runs) await announce(deps, r);
  return (await deps.db.sweep.findUnique({ where: { id: sweepId } }))!;
}

/** A queued run is cancelled at once; a running one is asked to stop (its worker aborts within one mini-batch). */
export async function cancelRun(deps: RunDeps, run: Run): Promise<Run> {
  if (run.status === 'cancelled') return run;
  if (run.status === 'succeeded' || run.status === 'failed') throw badInput(`run ${run.id} already ${run.status}; only queued or running runs can be cancelled`);
  const now = new Date();
  const fromQueue = await deps.db.run.updateMany({ where: { id: run.id, status: 'queued' }, data: { status: 'cancelled', cancelRequested: true, finishedAt: now } });
  if (fromQueue.count) await deps.queues.removeWaiting([run.id]);
  else {
    await deps.db.run.updateMany({ where: { id: run.id, status: 'running' }, data: { cancelRequested: true } });
    await publishJson(deps.redis, channels(deps.prefix).cancel, { runId: run.id });
  }
  if (run.sweepId) await refreshSweepStatus(deps.db, run.sweepId);
  const after = (await deps.db.run.findUnique({ where: { id: run.id } }))!;
  await announce(deps, after);
  return after;
}

export async function retryRun(deps: RunDeps, run: Run): Promise<Run> {
  if (run.status !== 'failed' && run.status !== 'cancelled') throw badInput(`run ${run.id} is ${run.status}; only failed or cancelled runs can be retried`);
  const r = await deps.db.run.updateMany({
    where: { id: run.id, status: run.status },
    data: { status: 'queued', cancelRequested: false, error: null, finishedAt: null, queuedAt: new Date(), workerId: null },
  });
  if (!r.count) throw badInput(`run ${run.id} changed while retrying; try again`);
  const fresh = (await deps.db.run.findUnique({ where: { id: run.id } }))!;
  await enqueueAll(deps, [fresh]);
  if (run.sweepId) await refreshSweepStatus(deps.db, run.sweepId);
  await announce(deps, fresh);
  return (await deps.db.run.findUnique({ where: { id: run.id } }))!;
}
