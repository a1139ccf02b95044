// The experiment runner: progressive validation on a time-ordered stream (method.md § Protocol).
// For each window: a pending serving evaluation runs on its first batch, every live model is evaluated on the
// window before training on it, every trained model takes one pass over it, then the paradigm acts. State is
// checkpointed at window boundaries so that a resumed run reproduces an uninterrupted one bit for bit.
import { mkdir, writeFile, appendFile, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStream } from '@driftprune/data';
import type { Batch, Window } from '@driftprune/data';
import { createTrainer } from '@driftprune/engine/trainer';
import { resolveShape } from '@driftprune/engine/shape';
import { initParams } from '@driftprune/engine/init';
import type { Trainer, TrainerOptions } from '@driftprune/engine/api';
import type { ModelParams } from '@driftprune/engine/types';
import {
  applyNeuronMask,
  expandToShape,
  maskJaccard,
  maskWidths,
  neuronScores,
  paramsFlops,
  paramsMlpFlops,
  shapeMlpFlops,
  prune,
  regrowNeurons,
  regrowWeights,
  shapeFlops,
  shapeParams,
  paramsCount,
  fullNeuronMask,
  weightMaskCounts,
  type PruneMask,
  type PruneOptions,
} from '@driftprune/pruning';
import { PredictionLog, deltaNEPct } from './metrics/metrics.js';
import { adaptiveNeedsJaccard, adaptiveTrigger, gradualPruneNow, gradualTarget, isWarmupEnd, periodicDue } from './paradigms/triggers.js';
import { expandOptimizerState, sliceOptimizerState } from './models/optimizer-state.js';
import { fineTune } from './models/fine-tune.js';
import { neuronGrowth, probeGradients, structuredProbeParams, unstructuredProbeParams } from './models/growth.js';
import { abortError, evaluateServing } from './serving/serving-eval.js';
import { decodeMask, decodeParams, encodeMask, encodeParams } from './checkpoint/codec.js';
import { rewriteLogs, saveCheckpoint, type RunState } from './checkpoint/run-state.js';
import { summarise } from './summary.js';
import type { ModelRole, Progress, RefreshEvent, RunEvent, RunOptions, RunSummary, WindowMetric } from './types.js';


/** Forward + backward ≈ 3 forward passes: the usual training-compute estimate per sample. */
const TRAIN_FLOPS_FACTOR = 3;
/** RigL's probe takes a few batches of the latest window. */
const REGROW_PROBE_STEPS = 8;

export async function runExperiment(options: RunOptions): Promise<RunSummary> {
  const cfg = options.config;
  const wall0 = performance.now();
  const outDir = options.outDir;
  const ckptDir = join(outDir, 'checkpoint');
  await mkdir(join(outDir, 'models'), { recursive: true });
  const emit = async (e: RunEvent) => {
    await options.onEvent?.(e);
  };
  const checkAbort = () => {
    if (options.signal?.aborted) throw abortError();
  };
  checkAbort();

  const stream = await openStream(cfg.data, { seed: cfg.seed });
  const shape = resolveShape(cfg.model, { numDense: stream.schema.denseNames.length, tableSizes: stream.schema.tableSizes });
  const denseFlops = shapeFlops(shape);
  const denseParams = shapeParams(shape);
  const paradigm = cfg.paradigm;
  const pr = cfg.pruning;
  const pruneOpts: PruneOptions | null = pr
    ? { budget: pr.budget, budgetUnit: pr.budgetUnit, granularity: pr.granularity, criterion: pr.criterion, allocation: pr.allocation, minWidth: pr.minWidth, hybridAlpha: pr.hybridAlpha }
    : null;
  const taylor = pr && (pr.criterion !== 'magnitude' || pr.allocation === 'learned') ? { decay: pr.taylorDecay } : undefined;
  const trainerBase: TrainerOptions = { optimizer: cfg.optimizer, device: cfg.engine.device, threads: cfg.engine.threads, taylor };
  const maxWindows = options.maxWindows ?? cfg.data.maxWindows ?? null;
  const knownWindows = maxWindows ?? (cfg.data.source === 'synthetic' ? cfg.data.synthetic.windows : null);
  const batchSize = cfg.data.batchSize;
  const batchesOf = (w: Window, shuffle = true) =>
    w.batches({ batchSize, ...(shuffle && cfg.data.shuffleWithinWindow ? { shuffleSeed: cfg.seed * 100_003 + w.index } : {}) });

  const dense: Trainer = createTrainer({ ...trainerBase, shape, seed: cfg.seed });
  let serving: Trainer | null = null;
  let mask: PruneMask | null = null;
  let reservoir: ModelParams | null = null;
  let st: RunState = {
    version: 1,
    nextWindow: 0,
    metrics: [],
    refreshes: [],
    serving: [],
    trainingFlops: 0,
    samplesTrained: 0,
    mask: null,
    lastRefreshWindow: -1,
    pendingServingEval: false,
    sparsityReached: 0,
    reservoir: null,
    hasServing: false,
    shadow: null,
  };
  let shadowTrainer: Trainer | null = null;

  if (options.resume && existsSync(join(ckptDir, 'state.json'))) {
    st = JSON.parse(await readFile(join(ckptDir, 'state.json'), 'utf8')) as RunState;
    dense.loadCheckpoint(join(ckptDir, 'dense.ckpt'));
    if (st.hasServing) {
      serving = createTrainer({ ...trainerBase, shape, seed: cfg.seed });
      serving.loadCheckpoint(join(ckptDir, 'serving.ckpt'));
    }
    if (st.shadow) {
      shadowTrainer = createTrainer({ ...trainerBase, shape, seed: cfg.seed });
      shadowTrainer.loadCheckpoint(join(ckptDir, 'shadow.ckpt'));
    }
    mask = st.mask ? decodeMask(st.mask) : null;
    reservoir = st.reservoir ? decodeParams(st.reservoir) : null;
    await rewriteLogs(outDir, st);
    await emit({ type: 'log', level: 'info', message: `resumed at window ${st.nextWindow} from ${ckptDir}` });
  } else {
    await rm(ckptDir, { recursive: true, force: true });
    await rewriteLogs(outDir, st);
  }

  const servingFlopsNow = () => (serving ? paramsFlops(serving.getParams()) : denseFlops);
  const countTrain = (flopsPerSample: number, rows: number) => {
    st.trainingFlops += TRAIN_FLOPS_FACTOR * flopsPerSample * rows;
  };

  /** Replaces the serving model; structured widths change, so its optimizer state is sliced to match. */
  const installServing = (params: ModelParams, optimizerState?: ReturnType<Trainer['getOptimizerState']>) => {
    serving?.dispose();
    serving = createTrainer({ ...trainerBase, params, ...(optimizerState ? { optimizerState } : {}) });
    st.hasServing = true;
  };

  /** Logs a new mask; it becomes the serving mask now, or `shadowWindows` windows later (servesFromWindow). */
  const logRefresh = async (t: number, trigger: string, next: PruneMask, flopsRatio: number, shadowWindows = 0) => {
    const refresh: RefreshEvent = {
      window: t,
      trigger,
      widths: next.granularity === 'structured' ? maskWidths(next.neurons) : weightMaskCounts(next.weights),
      jaccard: mask ? maskJaccard(mask, next) : 1,
      flopsRatio,
      ...(shadowWindows > 0 ? { servesFromWindow: t + shadowWindows + 1 } : {}),
    };
    if (shadowWindows === 0) {
      mask = next;
      st.mask = encodeMask(next);
    }
    st.refreshes.push(refresh);
    await appendFile(join(outDir, 'refreshes.jsonl'), JSON.stringify(refresh) + '\n');
    await emit({ type: 'refresh', refresh });
  };

  /** A new sparse model derived from the current dense model (prune_once, d2s, adaptive_d2s). */
  const generateFromDense = async (t: number, trigger: string, win: Window, precomputed?: ReturnType<typeof prune>) => {
    const d = dense.getParams();
    const res = precomputed ?? prune(d, pruneOpts!, { taylor: dense.getTaylorScores() });
    const warm = paradigm.kind === 'd2s' || paradigm.kind === 'adaptive_d2s' ? paradigm.refresh.warmStart : true;
    let params = res.params;
    let optState: ReturnType<Trainer['getOptimizerState']> | undefined;
    if (warm) {
      if (res.mask.granularity === 'structured') optState = sliceOptimizerState(dense.getOptimizerState(), d, res.mask.neurons);
      else optState = dense.getOptimizerState();
    } else {
      // From scratch: fresh MLP weights of the pruned widths (embeddings stay, they are not pruned).
      const fresh = initParams(res.params.shape, cfg.seed * 7919 + t);
      fresh.embeddings = res.params.embeddings;
      if (res.mask.granularity === 'unstructured') [...fresh.bottom, ...fresh.top].forEach((l, i) => (l.mask = [...res.params.bottom, ...res.params.top][i].mask));
      params = fresh;
    }
    // A shadow model replaces an existing serving model only after training alongside it (the first one serves at once).
    const shadowWindows = (paradigm.kind === 'd2s' || paradigm.kind === 'adaptive_d2s') && serving ? paradigm.refresh.shadowWindows : 0;
    let newModel: Trainer;
    if (shadowWindows > 0) {
      shadowTrainer?.dispose();
      shadowTrainer = createTrainer({ ...trainerBase, params, ...(optState ? { optimizerState: optState } : {}) });
      st.shadow = { windowsLeft: shadowWindows, mask: encodeMask(res.mask) };
      newModel = shadowTrainer;
    } else {
      installServing(params, optState);
      newModel = serving!;
    }
    await logRefresh(t, trigger, res.mask, res.flopsRatio, shadowWindows);
    const refresh = paradigm.kind === 'd2s' || paradigm.kind === 'adaptive_d2s' ? paradigm.refresh : null;
    if (refresh && refresh.fineTuneSteps > 0) {
      const target = refresh.fineTuneTarget;
      const tuned = await fineTune(newModel, () => batchesOf(win), { steps: refresh.fineTuneSteps, target, teacher: dense, beforeStep: checkAbort });
      // 3 forward passes of the sparse model per row, plus the dense model's forward pass for the soft labels.
      countTrain(paramsFlops(newModel.getParams()), tuned.rows);
      if (target === 'dense') st.trainingFlops += denseFlops * tuned.rows;
    }
    if (shadowWindows === 0) {
      st.lastRefreshWindow = t;
      st.pendingServingEval = cfg.evaluation.serving.enabled && cfg.evaluation.serving.everyRefresh;
    }
  };

  /** The shadow model has trained its windows: it becomes the serving model. */
  const promoteShadow = (t: number) => {
    serving?.dispose();
    serving = shadowTrainer;
    shadowTrainer = null;
    mask = decodeMask(st.shadow!.mask);
    st.mask = st.shadow!.mask;
    st.shadow = null;
    st.lastRefreshWindow = t;
    st.pendingServingEval = cfg.evaluation.serving.enabled && cfg.evaluation.serving.everyRefresh;
  };

  /** sparse_regrow: drop the weakest live neurons/weights, regrow those with the largest gradient (RigL). */
  const regrow = async (t: number, win: Window) => {
    const cur = serving!.getParams();
    const frac = paradigm.kind === 'sparse_regrow' ? paradigm.regrowFraction : 0;
    let next: PruneMask;
    if (mask!.granularity === 'structured') {
      const m = mask!.neurons;
      const expanded = expandToShape(cur, m, shape);
      // Remember the live neurons' current in-weights for later regrowth.
      for (const mlp of ['bottom', 'top'] as const)
        for (let i = 0; i + 1 < expanded[mlp].length; i++) {
          const l = expanded[mlp][i];
          const r = reservoir![mlp][i];
          for (const j of m[l.name]) {
            r.W.set(l.W.subarray(j * l.inDim, (j + 1) * l.inDim), j * l.inDim);
            r.b[j] = l.b[j];
          }
        }
      st.reservoir = encodeParams(reservoir!);
      const probeParams = structuredProbeParams(expanded, reservoir!, m);
      const probe = await probeGradients(probeParams, batchesOf(win), REGROW_PROBE_STEPS, { threads: cfg.engine.threads, signal: options.signal });
      checkAbort();
      countTrain(denseFlops, probe.rows);
      const growth = neuronGrowth(probeParams, probe.gradAbs);
      const magnitude = neuronScores(cur, { criterion: 'magnitude' });
      const denseWidths = Object.fromEntries(Object.keys(m).map((k) => [k, expanded[k.startsWith('bottom') ? 'bottom' : 'top'][Number(k.split('.')[1])].outDim]));
      const r = regrowNeurons(m, magnitude, growth, denseWidths, frac);
      // Regrown neurons: in-weights from the reservoir, out-weights zero (RigL's zero initialisation).
      for (const mlp of ['bottom', 'top'] as const)
        for (let i = 0; i + 1 < expanded[mlp].length; i++) {
          const l = expanded[mlp][i];
          const live = new Set(m[l.name]);
          for (const j of r.mask[l.name])
            if (!live.has(j)) {
              l.W.set(reservoir![mlp][i].W.subarray(j * l.inDim, (j + 1) * l.inDim), j * l.inDim);
              l.b[j] = reservoir![mlp][i].b[j];
            }
        }
      const fullState = expandOptimizerState(serving!.getOptimizerState(), cur, m, shape);
      const params = applyNeuronMask(expanded, r.mask);
      installServing(params, sliceOptimizerState(fullState, expanded, r.mask));
      next = { granularity: 'structured', neurons: r.mask };
    } else {
      const w = mask!.weights;
      const probe = await probeGradients(unstructuredProbeParams(cur, w), batchesOf(win), REGROW_PROBE_STEPS, { threads: cfg.engine.threads, signal: options.signal });
      checkAbort();
      countTrain(denseFlops, probe.rows);
      const magnitude = Object.fromEntries([...cur.bottom, ...cur.top].map((l) => [l.name, l.W]));
      const r = regrowWeights(w, magnitude, probe.gradAbs, frac);
      serving!.setMasks(Object.fromEntries(Object.entries(r.mask).map(([k, v]) => [k, Float32Array.from(v)])));
      next = { granularity: 'unstructured', weights: r.mask };
    }
    await logRefresh(t, 'regrow', next, servingFlopsNow() / denseFlops);
    st.lastRefreshWindow = t;
    st.pendingServingEval = cfg.evaluation.serving.enabled && cfg.evaluation.serving.everyRefresh;
  };

  /** gradual: prune the serving model further, to `target` of the dense MLP cost. */
  const pruneFurther = async (t: number, target: number) => {
    if (target <= st.sparsityReached + 1e-9) return;
    const cur = serving!.getParams();
    const res = prune(cur, { ...pruneOpts!, budget: target }, { taylor: serving!.getTaylorScores(), denseShape: shape, currentMask: mask ?? undefined });
    if (res.mask.granularity === 'structured') {
      const current = mask?.granularity === 'structured' ? mask.neurons : fullNeuronMask(cur);
      installServing(res.params, sliceOptimizerState(serving!.getOptimizerState(), cur, res.mask.neurons, current));
    } else serving!.setMasks(Object.fromEntries(Object.entries(res.mask.weights).map(([k, v]) => [k, Float32Array.from(v)])));
    st.sparsityReached = target;
    await logRefresh(t, 'ramp', res.mask, res.flopsRatio);
  };

  const runServingEval = async (t: number, firstBatch: Batch) => {
    const roles: { role: ModelRole; trainer: Trainer }[] = [{ role: 'dense', trainer: dense }];
    if (serving) roles.push({ role: 'serving', trainer: serving });
    const models = [];
    const paths: string[] = [];
    for (const { role, trainer } of roles) {
      const onnx = trainer.exportServingModel();
      const path = join(outDir, 'models', `${role}-w${String(t).padStart(4, '0')}.onnx`);
      await writeFile(path, onnx);
      paths.push(path);
      models.push({ role, onnx, enginePredictions: trainer.predict(firstBatch) });
    }
    const s = cfg.evaluation.serving;
    const evals = await evaluateServing(t, models, firstBatch, { numDense: shape.numDense, numFields: shape.tableSizes.length }, { batchSizes: s.batchSizes, iterations: s.iterations, threads: s.threads }, options.signal);
    st.serving.push(...evals);
    await appendFile(join(outDir, 'serving.jsonl'), evals.map((e) => JSON.stringify(e)).join('\n') + '\n');
    await emit({ type: 'serving', evals, artifactPaths: paths });
    st.pendingServingEval = false;
  };

  let lastWindowSeen: Window | null = null;
  const rate = { t0: performance.now(), samples0: st.samplesTrained, startWindow: st.nextWindow };
  try {
    for await (const win of stream.windows()) {
      if (maxWindows !== null && win.index >= maxWindows) break;
      lastWindowSeen = win;
      if (win.index < st.nextWindow) continue;
      checkAbort();
      const t = win.index;
      const warmup = t < paradigm.warmupWindows;

      // Serving evaluation requested by the last refresh: parity on this (the next) window's first batch.
      if (st.pendingServingEval) {
        const first = await firstBatchOf(batchesOf(win, false));
        if (first) await runServingEval(t, first);
      }

      // 1. Evaluate every live model before training on the window.
      const logs: Record<ModelRole, PredictionLog> = { dense: new PredictionLog(win.rows || 1024), serving: new PredictionLog(win.rows || 1024) };
      for await (const b of batchesOf(win, false)) {
        checkAbort();
        logs.dense.add(dense.predict(b), b.labels, b.size);
        if (serving) logs.serving.add(serving.predict(b), b.labels, b.size);
      }
      const metrics: WindowMetric[] = [];
      const describe = (role: ModelRole, trainer: Trainer): WindowMetric => {
        const p = trainer.getParams();
        return {
          window: t,
          windowId: win.id,
          model: role,
          ...logs[role].summary(),
          // Weights only (2 FLOPs each): biases are never masked.
          sparsity: 1 - paramsMlpFlops(p) / shapeMlpFlops(shape),
          flops: paramsFlops(p),
          params: paramsCount(p),
          warmup,
        };
      };
      if (logs.dense.size > 0) metrics.push(describe('dense', dense));
      if (serving && logs.serving.size > 0) metrics.push(describe('serving', serving));
      st.metrics.push(...metrics);
      await appendFile(join(outDir, 'metrics.jsonl'), metrics.map((m) => JSON.stringify(m)).join('\n') + (metrics.length ? '\n' : ''));
      await emit({ type: 'window', metrics });

      // 2. Train: the dense model always (as the reference when nothing else needs it), the serving model if any.
      const denseCounts = paradigm.kind === 'dense' || paradigm.kind === 'd2s' || paradigm.kind === 'adaptive_d2s' || warmup || !serving;
      const batchesInWindow = Math.ceil(win.rows / batchSize);
      let stepInWindow = 0;
      let lastProgress = 0;
      for await (const b of batchesOf(win)) {
        checkAbort();
        dense.trainStep(b);
        if (denseCounts) countTrain(denseFlops, b.size);
        if (serving) {
          serving.trainStep(b);
          countTrain(servingFlopsNow(), b.size);
        }
        if (shadowTrainer) {
          shadowTrainer.trainStep(b);
          countTrain(paramsFlops(shadowTrainer.getParams()), b.size);
        }
        stepInWindow++;
        st.samplesTrained += b.size;
        if (paradigm.kind === 'gradual' && serving && gradualPruneNow(paradigm, t, stepInWindow))
          await pruneFurther(t, gradualTarget(paradigm, pr!.budget, t, stepInWindow, batchesInWindow));
        const now = performance.now();
        if (now - lastProgress > 1000) {
          lastProgress = now;
          await emit({ type: 'progress', progress: progress(t, stepInWindow / Math.max(1, batchesInWindow)) });
        }
      }

      // 3. The paradigm acts (a shadow model that has trained its windows takes over first).
      if (shadowTrainer && st.shadow && --st.shadow.windowsLeft <= 0) promoteShadow(t);
      if (pruneOpts && isWarmupEnd(paradigm, t)) {
        if (paradigm.kind === 'gradual') {
          installServing(dense.getParams(), dense.getOptimizerState());
          mask = null;
          st.lastRefreshWindow = t;
        } else {
          await generateFromDense(t, 'warmup_end', win);
          if (paradigm.kind === 'sparse_regrow') {
            reservoir = dense.getParams();
            st.reservoir = encodeParams(reservoir);
          }
        }
      } else if (paradigm.kind === 'gradual' && serving && t === paradigm.warmupWindows + paradigm.rampWindows - 1) {
        await pruneFurther(t, pr!.budget);
        st.pendingServingEval = cfg.evaluation.serving.enabled;
      } else if (paradigm.kind === 'd2s' && periodicDue(paradigm, t)) {
        await generateFromDense(t, 'schedule', win);
      } else if (paradigm.kind === 'sparse_regrow' && serving && periodicDue(paradigm, t)) {
        await regrow(t, win);
      } else if (paradigm.kind === 'adaptive_d2s' && serving && !shadowTrainer) {
        const since = t - st.lastRefreshWindow;
        const d = metrics.find((m) => m.model === 'dense');
        const s = metrics.find((m) => m.model === 'serving');
        const gap = d && s ? deltaNEPct(s.ne, d.ne) : NaN;
        // The same serving model's gap on the window before (only when it was already serving then).
        let prevGap = NaN;
        if (since >= 2) {
          const pd = st.metrics.find((m) => m.window === t - 1 && m.model === 'dense');
          const ps = st.metrics.find((m) => m.window === t - 1 && m.model === 'serving');
          if (pd && ps) prevGap = deltaNEPct(ps.ne, pd.ne);
        }
        let candidate: ReturnType<typeof prune> | undefined;
        let jac = NaN;
        if (adaptiveNeedsJaccard(paradigm, since, gap, prevGap)) {
          candidate = prune(dense.getParams(), pruneOpts!, { taylor: dense.getTaylorScores() });
          jac = maskJaccard(candidate.mask, mask!);
        }
        const trigger = adaptiveTrigger(paradigm, { sinceRefresh: since, deltaNEPct: gap, prevDeltaNEPct: prevGap, jaccard: jac });
        if (trigger) await generateFromDense(t, trigger, win, candidate);
      }

      // 4. Checkpoint at the window boundary.
      st.nextWindow = t + 1;
      if (cfg.checkpoint.everyWindows > 0 && (t + 1) % cfg.checkpoint.everyWindows === 0) {
        await saveCheckpoint(ckptDir, st, dense, serving, shadowTrainer);
        await emit({ type: 'checkpoint', window: t, path: ckptDir });
      }
      await emit({ type: 'progress', progress: progress(t, 1) });
    }

    // A run that never evaluated serving (dense, or everyRefresh off) does it once at the end, on the last window.
    if (cfg.evaluation.serving.enabled && (st.pendingServingEval || st.serving.length === 0) && lastWindowSeen) {
      const first = await firstBatchOf(batchesOf(lastWindowSeen, false));
      if (first) await runServingEval(lastWindowSeen.index, first);
    }
    const summary = summarise(cfg, st, serving ? paramsFlops((serving as Trainer).getParams()) / denseFlops : 1, serving ? paramsCount((serving as Trainer).getParams()) / denseParams : 1, (performance.now() - wall0) / 1000);
    await writeFile(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    return summary;
  } finally {
    dense.dispose();
    (serving as Trainer | null)?.dispose();
    (shadowTrainer as Trainer | null)?.dispose();
  }

  function progress(t: number, within: number): Progress {
    const elapsed = (performance.now() - rate.t0) / 1000;
    const samplesPerSec = elapsed > 0 ? (st.samplesTrained - rate.samples0) / elapsed : 0;
    const done = t + within;
    const fraction = knownWindows ? Math.min(1, done / knownWindows) : null;
    const windowsRun = done - rate.startWindow;
    const etaSec = knownWindows && windowsRun > 0 ? (elapsed / windowsRun) * (knownWindows - done) : null;
    return { window: t, windows: knownWindows, samplesDone: st.samplesTrained, samplesPerSec, fraction, etaSec };
  }
}

async function firstBatchOf(batches: AsyncIterable<Batch>): Promise<Batch | null> {
  for await (const b of batches) {
    // Copy: the producer may reuse its arrays once iteration moves on.
    return { size: b.size, dense: b.dense.slice(), cat: b.cat.slice(), labels: b.labels.slice() };
  }
  return null;
}
