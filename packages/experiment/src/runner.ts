// The experiment runner: progressive validation on a time-ordered stream (method.md § Protocol). For each window:
// a pending serving evaluation runs on its first batch; every live model is evaluated on the window before training
// on it; every model trains one pass over it; the paradigm acts (paradigms/: one file per paradigm); the state is
// checkpointed at the window boundary, so that a resumed run reproduces an uninterrupted one bit for bit.
import { mkdir, writeFile, appendFile, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStream, type Batch, type Window } from '@driftprune/data';
import { resolveShape, type Trainer } from '@driftprune/engine';
import { PredictionLog } from './metrics/metrics.js';
import { createParadigm, type Paradigm } from './paradigms/index.js';
import { isWarmupEnd } from './triggers/schedule.js';
import { abortError, evaluateServing } from './serving/serving-eval.js';
import { decodeMask } from './checkpoint/codec.js';
import { rewriteLogs, saveCheckpoint, type RunState } from './checkpoint/run-state.js';
import { writeReport } from './report/write-report.js';
import { RunContext } from './run/context.js';
import { summarise } from './summary.js';
import type { ModelRole, Progress, RunOptions, RunSummary, WindowMetric } from './types.js';

export async function runExperiment(options: RunOptions): Promise<RunSummary> {
  const cfg = options.config;
  const wall0 = performance.now();
  await mkdir(join(options.outDir, 'models'), { recursive: true });
  if (options.signal?.aborted) throw abortError();
  const stream = await openStream(cfg.data, { seed: cfg.seed });
  const shape = resolveShape(cfg.model, { numDense: stream.schema.denseNames.length, tableSizes: stream.schema.tableSizes });
  const maxWindows = options.maxWindows ?? cfg.data.maxWindows ?? null;
  const run = new RunContext(cfg, shape, options);
  const paradigm = createParadigm(cfg.paradigm);
  try {
    await startOrResume(run);
    const progress = progressMeter(run, maxWindows ?? (cfg.data.source === 'synthetic' ? cfg.data.synthetic.windows : null));
    let lastWindow: Window | null = null;
    for await (const win of stream.windows()) {
      if (maxWindows !== null && win.index >= maxWindows) break;
      lastWindow = win;
      if (win.index < run.st.nextWindow) continue;
      run.checkAbort();
      await runWindow(run, paradigm, win, progress);
    }
    return await finish(run, lastWindow, wall0);
  } finally {
    run.dispose();
  }
}

type ProgressMeter = (t: number, within: number) => Progress;

/** One window of the protocol: evaluate → train → the paradigm acts → checkpoint. */
async function runWindow(run: RunContext, paradigm: Paradigm, win: Window, progress: ProgressMeter): Promise<void> {
  const t = win.index;
  // Serving evaluation requested by the last refresh: parity on this (the next) window's first batch.
  if (run.st.pendingServingEval) {
    const first = await firstBatchOf(run.batchesOf(win, false));
    if (first) await servingEval(run, t, first);
  }
  const metrics = await evaluate(run, win);
  await train(run, paradigm, win, progress);
  await act(run, paradigm, win, metrics);
  await checkpoint(run, t);
  await run.emit({ type: 'progress', progress: progress(t, 1) });
}

/** 1. Every live model on W_t, before training on it. */
async function evaluate(run: RunContext, win: Window): Promise<WindowMetric[]> {
  const t = win.index;
  const logs: Record<ModelRole, PredictionLog> = { dense: new PredictionLog(win.rows || 1024), serving: new PredictionLog(win.rows || 1024) };
  for await (const b of run.batchesOf(win, false)) {
    run.checkAbort();
    logs.dense.add(run.dense.predict(b), b.labels, b.size);
    if (run.serving) logs.serving.add(run.serving.predict(b), b.labels, b.size);
  }
  const warmup = t < run.cfg.paradigm.warmupWindows;
  const describe = (role: ModelRole, trainer: Trainer): WindowMetric => {
    const c = run.cost(trainer);
    const { excluded, ...m } = logs[role].summary(run.cfg.evaluation.minClassRows);
    // `excluded` last and only when set, so counted windows' lines are as they always were.
    return { window: t, windowId: win.id, model: role, ...m, sparsity: c.sparsity, flops: c.flops, params: c.params, warmup, ...(excluded ? { excluded } : {}) };
  };
  const metrics: WindowMetric[] = [];
  if (logs.dense.size > 0) metrics.push(describe('dense', run.dense));
  if (run.serving && logs.serving.size > 0) metrics.push(describe('serving', run.serving));
  run.st.metrics.push(...metrics);
  await appendFile(join(run.outDir, 'metrics.jsonl'), metrics.map((m) => JSON.stringify(m)).join('\n') + (metrics.length ? '\n' : ''));
  await run.emit({ type: 'window', metrics });
  return metrics;
}

/** 2. One pass over W_t: the dense model always (the ΔNE reference), the serving and shadow models if any. */
async function train(run: RunContext, paradigm: Paradigm, win: Window, progress: ProgressMeter): Promise<void> {
  const t = win.index;
  const denseCounts = paradigm.denseTraining === 'always' || t < run.cfg.paradigm.warmupWindows || !run.serving;
  const batchesInWindow = Math.ceil(win.rows / run.cfg.data.batchSize);
  let step = 0;
  let lastProgress = 0;
  for await (const b of run.batchesOf(win)) {
    run.checkAbort();
    const servingBatch = run.serving && paradigm.servingBatch ? paradigm.servingBatch(run, b) : b;
    run.dense.trainStep(b);
    if (denseCounts) run.countTrain(run.denseFlops, b.size);
    if (run.serving) {
      run.serving.trainStep(servingBatch);
      run.countTrain(run.servingFlops(), b.size);
    }
    if (run.shadow) {
      run.shadow.trainStep(b);
      run.countTrain(run.cost(run.shadow).flops, b.size);
    }
    step++;
    run.st.samplesTrained += b.size;
    if (paradigm.afterStep) await timed(run, () => paradigm.afterStep!(run, win, step, batchesInWindow));
    const now = performance.now();
    if (now - lastProgress > 1000) {
      lastProgress = now;
      await run.emit({ type: 'progress', progress: progress(t, step / Math.max(1, batchesInWindow)) });
    }
  }
}

/** 3. A shadow model that has trained its windows takes over; then the paradigm acts. */
async function act(run: RunContext, paradigm: Paradigm, win: Window, metrics: WindowMetric[]): Promise<void> {
  const t = win.index;
  if (run.shadow && run.st.shadow && --run.st.shadow.windowsLeft <= 0) run.promoteShadow(t);
  if (run.pruneOpts && isWarmupEnd(run.cfg.paradigm, t)) await timed(run, () => paradigm.warmupEnd(run, t, win));
  else await timed(run, () => paradigm.afterWindow(run, t, win, metrics));
}

/** Runs a paradigm action and adds its wall time to the run's refresh time (cost accounting). */
async function timed(run: RunContext, action: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await action();
  run.st.refreshWallSec = (run.st.refreshWallSec ?? 0) + (performance.now() - t0) / 1000;
}

/** 4. The window boundary: the next window to run, and a checkpoint every `checkpoint.everyWindows`. */
async function checkpoint(run: RunContext, t: number): Promise<void> {
  run.st.nextWindow = t + 1;
  const every = run.cfg.checkpoint.everyWindows;
  if (every > 0 && (t + 1) % every === 0) {
    const dir = join(run.outDir, 'checkpoint');
    await saveCheckpoint(dir, run.st, run.dense, run.serving, run.shadow);
    await run.emit({ type: 'checkpoint', window: t, path: dir });
  }
}

/** A fresh run clears old checkpoints; a resumed one restores the trainers and the run state from them. */
async function startOrResume(run: RunContext): Promise<void> {
  const dir = join(run.outDir, 'checkpoint');
  if (!(run.options.resume && existsSync(join(dir, 'state.json')))) {
    await rm(dir, { recursive: true, force: true });
    await rewriteLogs(run.outDir, run.st);
    return;
  }
  const st = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as RunState;
  run.st = st;
  run.dense.loadCheckpoint(join(dir, 'dense.ckpt'));
  const restore = (file: string) => {
    const trainer = run.newTrainer({ shape: run.shape, seed: run.cfg.seed });
    trainer.loadCheckpoint(join(dir, file));
    return trainer;
  };
  if (st.hasServing) run.serving = restore('serving.ckpt');
  if (st.shadow) run.shadow = restore('shadow.ckpt');
  run.mask = st.mask ? decodeMask(st.mask) : null;
  await rewriteLogs(run.outDir, st);
  await run.emit({ type: 'log', level: 'info', message: `resumed at window ${st.nextWindow} from ${dir}` });
}

/** Exports every live model, checks it in onnxruntime against the engine on `firstBatch`, and times it. */
async function servingEval(run: RunContext, t: number, firstBatch: Batch): Promise<void> {
  const roles: { role: ModelRole; trainer: Trainer }[] = [{ role: 'dense', trainer: run.dense }];
  if (run.serving) roles.push({ role: 'serving', trainer: run.serving });
  const models = [];
  const paths: string[] = [];
  for (const { role, trainer } of roles) {
    const onnx = trainer.exportServingModel();
    const path = join(run.outDir, 'models', `${role}-w${String(t).padStart(4, '0')}.onnx`);
    await writeFile(path, onnx);
    paths.push(path);
    models.push({ role, onnx, enginePredictions: trainer.predict(firstBatch) });
  }
  const s = run.cfg.evaluation.serving;
  const dims = { numDense: run.shape.numDense, numFields: run.shape.tableSizes.length };
  const evals = await evaluateServing(t, models, firstBatch, dims, { batchSizes: s.batchSizes, iterations: s.iterations, threads: s.threads }, run.options.signal);
  run.st.serving.push(...evals);
  await appendFile(join(run.outDir, 'serving.jsonl'), evals.map((e) => JSON.stringify(e)).join('\n') + '\n');
  await run.emit({ type: 'serving', evals, artifactPaths: paths });
  run.st.pendingServingEval = false;
}

/** The end: a serving evaluation if none ran (dense, or everyRefresh off), summary.json and report.html. */
async function finish(run: RunContext, lastWindow: Window | null, wall0: number): Promise<RunSummary> {
  const st = run.st;
  if (run.cfg.evaluation.serving.enabled && (st.pendingServingEval || st.serving.length === 0) && lastWindow) {
    const first = await firstBatchOf(run.batchesOf(lastWindow, false));
    if (first) await servingEval(run, lastWindow.index, first);
  }
  const served = run.serving ? run.cost(run.serving) : null;
  const summary = summarise(run.cfg, st, served ? served.flops / run.denseFlops : 1, served ? served.params / run.denseParams : 1, (performance.now() - wall0) / 1000);
  await writeFile(join(run.outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  await writeReport(run.outDir, { title: run.options.reportTitle ?? run.cfg.name, config: run.cfg, summary, metrics: st.metrics, refreshes: st.refreshes, serving: st.serving });
  return summary;
}

function progressMeter(run: RunContext, knownWindows: number | null): ProgressMeter {
  const t0 = performance.now();
  const samples0 = run.st.samplesTrained;
  const startWindow = run.st.nextWindow;
  return (t, within) => {
    const elapsed = (performance.now() - t0) / 1000;
    const samplesPerSec = elapsed > 0 ? (run.st.samplesTrained - samples0) / elapsed : 0;
    const done = t + within;
    const fraction = knownWindows ? Math.min(1, done / knownWindows) : null;
    const windowsRun = done - startWindow;
    const etaSec = knownWindows && windowsRun > 0 ? (elapsed / windowsRun) * (knownWindows - done) : null;
    return { window: t, windows: knownWindows, samplesDone: run.st.samplesTrained, samplesPerSec, fraction, etaSec };
  };
}

async function firstBatchOf(batches: AsyncIterable<Batch>): Promise<Batch | null> {
  for await (const b of batches) {
    // Copy: the producer may reuse its arrays once iteration moves on.
    return { size: b.size, dense: b.dense.slice(), cat: b.cat.slice(), labels: b.labels.slice() };
  }
  return null;
}
