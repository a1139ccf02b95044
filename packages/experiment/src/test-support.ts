// A tiny synthetic run for the runner's and the paradigms' tests: real engine, real stream, seconds per run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experimentConfig, parseConfig, type ExperimentConfig } from '@driftprune/config';
import { runExperiment } from './runner.js';
import type { RefreshEvent, RunOptions, RunSummary, WindowMetric } from './types.js';

/** 6 windows × 600 rows, batch 100, 4 dense + 5 categorical fields, bottom 4-16-4, top 15-32-16-1. */
export function tinyConfig(paradigm: Record<string, unknown>, extra: Record<string, unknown> = {}): ExperimentConfig {
  return parseConfig(experimentConfig, {
    name: 'tiny',
    seed: 3,
    data: {
      source: 'synthetic',
      window: 'rows:600',
      batchSize: 100,
      hashSize: 200,
      shuffleWithinWindow: true,
      synthetic: { windows: 6, rowsPerWindow: 600, numDense: 4, numFields: 5, vocabPerField: 100, shiftEvery: 2 },
    },
    model: { embeddingDim: 4, bottomMlp: [16], topMlp: [32, 16] },
    optimizer: { kind: 'adagrad', lr: 0.05 },
    engine: { threads: 1 },
    paradigm: { warmupWindows: 1, ...paradigm },
    pruning: { budget: 0.6, criterion: 'taylor', allocation: 'greedy', minWidth: 2 },
    evaluation: { serving: { enabled: false } },
    ...extra,
  });
}

export async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'dp-runner-'));
}

export async function lines<T>(path: string): Promise<T[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

export interface TinyRun {
  summary: RunSummary;
  metrics: WindowMetric[];
  refreshes: RefreshEvent[];
}

/** Runs `config` in a temporary folder and returns what it wrote (the folder is removed). */
export async function runTiny(config: ExperimentConfig, o: Partial<RunOptions> = {}): Promise<TinyRun> {
  const dir = await tmp();
  try {
    const summary = await runExperiment({ config, outDir: dir, ...o });
    return { summary, metrics: await lines<WindowMetric>(join(dir, 'metrics.jsonl')), refreshes: await lines<RefreshEvent>(join(dir, 'refreshes.jsonl')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Training FLOPs of `rows` samples through a model of `flops` forward FLOPs per sample (3 passes). */
export const trainFlops = (flops: number, rows: number) => 3 * flops * rows;
