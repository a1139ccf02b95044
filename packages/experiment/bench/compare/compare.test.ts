// The comparison's plan, analysis and figures, without the platform (compare.int.test.ts runs it through the platform).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandSweep } from '@driftprune/config';
import { againstReference, allocationEffects, cells, denseRunTraining, driftVsControl, initSeedSpread, pairedEstimate, runMetrics, traces, type RunMetrics } from './analysis.js';
import type { RunRecord, WindowPoint } from './collect.js';
import { forestPlot, linePlot, niceTicks, scatterPlot } from './figures.js';
import { ARMS, compileStudy, dataSeedPaths, streamBase, studies, type Study } from './plan.js';
import { buildReport, completeness, flopsShare } from './report.js';

const repoRoot = '/nonexistent-repo';

function getPath(o: any, path: string): unknown {
  return path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);
}

test('plan: every study of both scales expands into valid runs, one per arm × budget × allocation × data seed × init seed', () => {
  for (const scale of ['full', 'quick'] as const)
    for (const study of studies(scale)) {
      const base = streamBase(study.stream, scale, repoRoot);
      const points = compileStudy(study).flatMap((c) => expandSweep({ base, ...c.sweep }).map((p) => ({ ...p, c })));
      const pruned = study.arms.filter((a) => a.kind !== 'dense').length;
      const dense = study.arms.length - pruned;
      const perSeeds = study.dataSeeds.length * study.initSeeds.length;
      assert.equal(points.length, (pruned * study.budgets.length * (study.allocations?.length ?? 1) + dense) * perSeeds, `${scale} ${study.id}`);
      const seeds = dataSeedPaths(study.stream);
      for (const p of points) {
        const dataSeed = getPath(p.config, seeds.swept);
        for (const f of seeds.follow) assert.equal(getPath(p.config, f), dataSeed, `${study.id}: ${f} follows ${seeds.swept}`);
        assert.ok(study.initSeeds.includes(p.config.seed));
        // Final models exported (for the serving timings) only in the first data seed's runs, and not by extension studies.
        assert.equal(p.config.evaluation.serving.enabled, dataSeed === study.dataSeeds[0] && study.exportServing !== false, `${study.id}: serving export`);
        const arm = study.arms.find((a) => a.label === p.c.armOfKind[p.config.paradigm.kind])!;
        for (const [path, v] of Object.entries(arm.options ?? {})) assert.equal(getPath(p.config, path), v, `${study.id} ${arm.label}: ${path}`);
      }
    }
  // Extension studies add data seeds to a study of the same stream and arms, never repeat one of its (data, init) seeds.
  const full = studies('full');
  for (const ext of full.filter((s) => s.id.endsWith('-more'))) {
    const first = full.find((s) => s.id === ext.id.replace(/-more$/, ''))!;
    assert.equal(first.stream, ext.stream, ext.id);
    assert.deepEqual(first.arms, ext.arms, ext.id);
    assert.deepEqual(first.initSeeds, ext.initSeeds, ext.id);
    assert.deepEqual(ext.dataSeeds.filter((s) => first.dataSeeds.includes(s)), [], `${ext.id} repeats a data seed of ${first.id}`);
  }
});

test('plan: arms of one kind go to separate sweeps; dense runs take no budget parameter', () => {
  const study: Study = { id: 's', title: 't', stream: 'synthetic', arms: [ARMS.dense, ARMS.pruneOnce, ARMS.d2s1, ARMS.d2s4], budgets: [0.5, 0.9], dataSeeds: [1, 2], initSeeds: [3] };
  const compiled = compileStudy(study);
  assert.deepEqual(compiled.map((c) => c.armOfKind), [{ dense: 'dense', prune_once: 'prune_once', d2s: 'd2s r=1' }, { d2s: 'd2s r=4' }]);
  const base = streamBase('synthetic', 'quick', repoRoot);
  const first = expandSweep({ base, ...compiled[0].sweep });
  assert.equal(first.filter((p) => p.config.paradigm.kind === 'dense').length, 2);
  assert.ok(first.filter((p) => p.config.paradigm.kind === 'dense').every((p) => !('pruning.budget' in p.params)));
  assert.deepEqual(new Set(first.map((p) => p.config.data.synthetic.seed)), new Set([1, 2]));
});

// ---------- analysis on hand-made runs ----------

const win = (ne: number, rows: number, o: Partial<WindowPoint> = {}): WindowPoint => ({ rows, ne, logLoss: ne * 0.5, auc: 0.7, flops: 1000, params: 10, warmup: false, excluded: null, ...o });

function record(o: { arm: string; dataSeed: number; initSeed?: number; stream?: RunRecord['stream']; budget?: number; allocation?: string; serving: number[]; dense?: number[]; rows?: number[]; study?: string; status?: string; trainingFlops?: number }): RunRecord {
  const n = o.serving.length;
  const dense = o.dense ?? Array(n).fill(0.8);
  const rows = o.rows ?? Array(n).fill(1000);
  return {
    id: `${o.arm}-${o.dataSeed}-${o.initSeed ?? 1}-${o.stream ?? 'synthetic'}-${o.allocation ?? 'greedy'}`,
    study: o.study ?? 'synthetic',
    stream: o.stream ?? 'synthetic',
    arm: o.arm,
    status: o.status ?? 'succeeded',
    error: null,
    initSeed: o.initSeed ?? 1,
    dataSeed: o.dataSeed,
    budget: o.budget ?? 0.9,
    allocation: o.allocation ?? 'greedy',
    config: { paradigm: { kind: o.arm === 'dense' ? 'dense' : 'prune_once' } },
    summary: { trainingFlops: o.trainingFlops ?? 3e6, wallSec: 10 },
    startedAt: null,
    finishedAt: null,
    workerId: null,
    // Window 0 is warm-up (dense only); then one window per serving value.
    windows: [
      { window: 0, dense: win(0.9, 500, { warmup: true }) },
      ...o.serving.map((s, i) => ({ window: i + 1, dense: win(dense[i], rows[i]), serving: win(s, rows[i], { flops: 250 }) })),
    ],
    refreshes: [{ window: 0, trigger: 'warmup_end', jaccard: 1, flopsRatio: 0.25, widths: {} }],
    servingEvals: [
      { model: 'dense', batchSize: 512, p50Ms: 8, p99Ms: 9, samplesPerSec: 1 },
      { model: 'serving', batchSize: 512, p50Ms: 2, p99Ms: 3, samplesPerSec: 1 },
    ],
  };
}

test('runMetrics: window-mean and pooled gaps, halves and growth, serving FLOPs, excluded windows left out', () => {
  const r = record({ arm: 'prune_once', dataSeed: 1, serving: [0.84, 0.88, 0.8, 0.96], rows: [1000, 1000, 3000, 1000] });
  r.windows.push({ window: 5, dense: win(0.8, 7, { excluded: 'few_rows' }), serving: win(2, 7, { excluded: 'few_rows' }) });
  const m = runMetrics(r)!;
  // ΔNE % per window: +5, +10, 0, +20
  assert.equal(m.evaluationWindows, 4);
  assert.ok(Math.abs(m.meanDeltaNE - 8.75) < 1e-9);
  // pooled: Σ rows·LL_s / Σ rows·LL_d with LL = NE/2 and H = 0.5 in every window: (840+880+2400+960)/(800·6) = 5080/4800
  assert.ok(Math.abs(m.pooledDeltaNE - 100 * (5080 / 4800 - 1)) < 1e-9);
  // Halves after the shock: 4 windows leave out min(2, ⌊4/3⌋) = 1, so early = 10 and late = (0 + 20) / 2.
  assert.ok(Math.abs(m.earlyDeltaNE - 10) < 1e-9 && Math.abs(m.lateDeltaNE - 10) < 1e-9 && Math.abs(m.growth) < 1e-9);
  // Six windows (ΔNE 30, 15, 2, 2, 4, 6 %): the two shock windows out, then 2 → 5.
  const g = runMetrics(record({ arm: 'prune_once', dataSeed: 1, serving: [1.04, 0.92, 0.816, 0.816, 0.832, 0.848] }))!;
  assert.ok(Math.abs(g.earlyDeltaNE - 2) < 1e-9 && Math.abs(g.lateDeltaNE - 5) < 1e-9 && Math.abs(g.growth - 3) < 1e-9, `${g.earlyDeltaNE} ${g.lateDeltaNE}`);
  assert.ok(Math.abs(m.maxDeltaNE - 20) < 1e-9);
  assert.equal(m.servingFlopsRatio, 0.25);
  // Dense-only training: 3 × 1000 FLOPs × (500 + 6000) rows of dense windows (the excluded window's rows too).
  assert.equal(m.denseOnlyTrainingFlops, 3 * 1000 * 6507);
  assert.equal(m.denseOnlySource, 'computed');
  assert.equal(runMetrics({ ...r, status: 'failed' }), null);
  const d = record({ arm: 'dense', dataSeed: 1, serving: [0.8], trainingFlops: 12345 });
  assert.equal(runMetrics(r, denseRunTraining([{ ...d, config: { paradigm: { kind: 'dense' } } }]))!.denseOnlyTrainingFlops, 12345);
});

const metricsOf = (rs: RunRecord[]) => rs.map((r) => runMetrics(r)!).filter(Boolean) as RunMetrics[];

test('paired estimates: pairs by data seed and init seed, CI over data-seed clusters, sign tests per seed and per run', () => {
  const base = [1, 2, 3, 4, 5].flatMap((s) => [1, 2].map((i) => record({ arm: 'prune_once', dataSeed: s, initSeed: i, serving: [0.84, 0.84] })));
  // d2s is 0.5 points of ΔNE lower in every pair but one data seed, where it is 1 point higher; one pair has no partner.
  const d2s = [1, 2, 3, 4, 5].flatMap((s) => [1, 2].map((i) => record({ arm: 'd2s r=1', dataSeed: s, initSeed: i, serving: s === 5 ? [0.848, 0.848] : [0.836, 0.836] })));
  d2s.push(record({ arm: 'd2s r=1', dataSeed: 6, initSeed: 1, serving: [0.8, 0.8] }));
  const p = pairedEstimate(metricsOf(d2s), metricsOf(base), (m) => m.meanDeltaNE, 7)!;
  assert.equal(p.n, 10);
  assert.equal(p.dataSeeds, 5);
  assert.equal(p.unpaired, 1);
  assert.ok(Math.abs(p.mean - (8 * -0.5 + 2 * 1) / 10) < 1e-9);
  assert.deepEqual([p.sign.negative, p.sign.positive], [4, 1]);
  assert.deepEqual([p.runSign.negative, p.runSign.positive], [8, 2]);
  assert.ok(p.ci.lo! < p.mean && p.mean < p.ci.hi!);
  assert.equal(p.ci.n, 5, 'the CI resamples the 5 data seeds, not the 10 runs');
  assert.equal(pairedEstimate(metricsOf(d2s.slice(-1)), metricsOf(base), (m) => m.meanDeltaNE, 7), null);
});

test('initSeedSpread: spread between data seeds against between init seeds, on data seeds that ran under every init seed', () => {
  // prune_once: ΔNE 5 % everywhere. d2s: ΔNE 5 + s ∓ 0.1 (init 1: −0.1, init 2: +0.1), so its Δ vs prune_once is s ∓ 0.1.
  const serving = (gap: number) => [0.8 * (1 + gap / 100), 0.8 * (1 + gap / 100)];
  const runs = [1, 2, 3, 4].flatMap((s) =>
    [1, 2].flatMap((i) => [record({ arm: 'prune_once', dataSeed: s, initSeed: i, serving: serving(5) }), record({ arm: 'd2s r=1', dataSeed: s, initSeed: i, serving: serving(5 + s + (i === 1 ? -0.1 : 0.1)) })]),
  );
  // Data seed 5 ran under init seed 1 only: left out.
  runs.push(record({ arm: 'd2s r=1', dataSeed: 5, initSeed: 1, serving: serving(50) }), record({ arm: 'prune_once', dataSeed: 5, initSeed: 1, serving: serving(5) }));
  const spread = initSeedSpread(metricsOf(runs));
  const d2s = spread.find((x) => x.arm === 'd2s r=1' && x.statistic === 'Δ vs prune_once')!;
  assert.equal(d2s.dataSeeds, 4);
  assert.deepEqual(d2s.initSeeds, [1, 2]);
  assert.ok(Math.abs(d2s.betweenDataSD - Math.sqrt(5 / 3)) < 1e-6, `between ${d2s.betweenDataSD}`);
  assert.ok(Math.abs(d2s.withinInitSD - Math.sqrt(0.02)) < 1e-6, `within ${d2s.withinInitSD}`);
  assert.equal(d2s.sameSign, 4);
  assert.ok(Math.abs(d2s.initShift.mean - 0.2) < 1e-6);
  assert.ok(Math.abs(d2s.crossed.estimate - 2.5) < 1e-6 && d2s.crossed.lo! < 2.5 && d2s.crossed.hi! > 2.5);
  assert.ok(Math.abs(d2s.perInitMean[0] - 2.4) < 1e-6 && Math.abs(d2s.perInitMean[1] - 2.6) < 1e-6, `per init ${d2s.perInitMean}`);
  const po = spread.find((x) => x.arm === 'prune_once')!;
  assert.equal(po.statistic, 'ΔNE %');
  assert.ok(po.betweenDataSD < 1e-9 && po.withinInitSD < 1e-9);
  assert.equal(spread.filter((x) => x.arm === 'prune_once').length, 1, 'prune_once is not paired against itself');
  // One init seed only: nothing to say.
  assert.deepEqual(initSeedSpread(metricsOf(runs.filter((r) => r.initSeed === 1))), []);
});

test('cells, drift vs control, allocation effects and traces', () => {
  const runs: RunRecord[] = [];
  for (const s of [1, 2, 3]) {
    // On the drifting stream prune_once's gap grows (2 → 8 %), on its control it stays (2 → 2 %); d2s stays at 1 %.
    runs.push(record({ arm: 'prune_once', dataSeed: s, serving: [0.816, 0.864] }));
    runs.push(record({ arm: 'd2s r=1', dataSeed: s, serving: [0.808, 0.808] }));
    runs.push(record({ arm: 'prune_once', dataSeed: s, stream: 'synthetic-stationary', serving: [0.816, 0.816] }));
    runs.push(record({ arm: 'd2s r=1', dataSeed: s, stream: 'synthetic-stationary', serving: [0.808, 0.808] }));
    for (const [allocation, ne] of [['uniform', 0.84], ['greedy', 0.82]] as const) runs.push(record({ arm: 'prune_once', dataSeed: s, study: 'allocation', allocation, budget: 0.75, serving: [ne, ne] }));
  }
  runs.push(record({ arm: 'd2s r=1', dataSeed: 9, serving: [0.9, 0.9], status: 'failed' }));
  runs.push(record({ arm: 'd2s r=1', dataSeed: 10, serving: [0.9, 0.9], status: 'cancelled' }));
  const ms = metricsOf(runs);
  const cs = cells(ms, runs, ['prune_once', 'd2s r=1']);
  const main = cs.find((c) => c.stream === 'synthetic' && c.budget === 0.9)!;
  assert.deepEqual(main.arms.map((a) => a.arm), ['prune_once', 'd2s r=1']);
  const d2s = main.arms[1];
  assert.equal(d2s.failed, 1);
  assert.equal(d2s.notRun, 1, 'a cancelled run is not counted as failed');
  assert.ok(Math.abs(d2s.vsBaseline.meanDeltaNE!.mean - (1 - 5)) < 1e-9);
  assert.ok(Math.abs(d2s.vsBaseline.growth!.mean - (0 - 6)) < 1e-9);
  assert.equal(main.arms[0].vsBaseline.meanDeltaNE, undefined);

  const dc = driftVsControl(ms, 'greedy');
  const po = dc.find((d) => d.arm === 'prune_once')!;
  assert.ok(Math.abs(po.driftGrowth.mean - 6) < 1e-9 && Math.abs(po.controlGrowth.mean) < 1e-9);
  assert.ok(Math.abs(po.difference!.mean - 6) < 1e-9);
  const dd = dc.find((d) => d.arm === 'd2s r=1')!;
  assert.ok(Math.abs(dd.driftRelGrowth!.mean + 6) < 1e-9 && Math.abs(dd.controlRelGrowth!.mean) < 1e-9);

  const al = allocationEffects(ms.filter((m) => m.study === 'allocation'), 'uniform', ['uniform', 'greedy']);
  assert.deepEqual(al.map((a) => a.allocation), ['uniform', 'greedy']);
  assert.ok(Math.abs(al[1].vsReference!.mean - -2.5) < 1e-9);

  const tr = traces(ms, 'greedy').find((t) => t.stream === 'synthetic' && t.arm === 'prune_once' && t.budget === 0.9)!;
  assert.deepEqual(tr.bands.map((b) => [b.index, Math.round(b.mean * 1e9) / 1e9]), [[1, 2], [2, 8]]);
  assert.equal(tr.refreshShare.get(0), 1);
});

test('report: tables and figures from records; MLP share of serving FLOPs from the config', () => {
  const runs = [1, 2].flatMap((s) => [record({ arm: 'prune_once', dataSeed: s, serving: [0.82, 0.83] }), record({ arm: 'd2s r=1', dataSeed: s, serving: [0.81, 0.81] })]);
  for (const r of runs) r.config = { ...streamBase('synthetic', 'quick', repoRoot), paradigm: r.config.paradigm };
  const rep = buildReport(runs, { provenance: ['test'], armOrder: ['prune_once', 'd2s r=1'], allocationOrder: [], ablationStudies: [], defaultAllocation: 'greedy', bases: {}, serving: [] });
  assert.match(rep.markdown, /\| d2s r=1 \| 2 \|/);
  assert.ok(Object.keys(rep.figures).includes('forest-synthetic.svg'));
  // Cost table: runs without cost fields show dashes; with them, the ratios against the dense model alone.
  assert.match(rep.markdown, /## Costs[\s\S]*\| prune_once \| [\d.]+ \| — \| — \| — \|/);
  for (const r of runs) {
    const rows = r.windows.reduce((a, w) => a + (w.dense?.rows ?? 0), 0);
    // 8 fields × embedding 8 values per row, Adagrad: 1 + 6 FLOPs each; the d2s run trains two tables' worth.
    const emb = rows * 64 * 7 * (r.arm === 'prune_once' ? 1 : 2);
    r.summary = { ...r.summary, embeddingTrainingFlops: emb, totalTrainingFlops: 3e6 + emb, peakModelBytes: 2e6, meanServingFlopsRatio: 0.25, refreshWallSec: 1.5, meanServingSpeedup: r.dataSeed === 1 ? 1.8 : null };
  }
  const withCost = buildReport(runs, { provenance: ['test'], armOrder: ['prune_once', 'd2s r=1'], allocationOrder: [], ablationStudies: [], defaultAllocation: 'greedy', bases: {}, serving: [] });
  const costRow = (arm: string) => withCost.markdown.split('## Costs')[1].split('\n').find((l) => l.startsWith(`| ${arm} |`))!.split('|').map((c) => c.trim());
  const m = withCost.metrics.find((x) => x.arm === 'prune_once')!;
  const denseOnlyTotal = m.denseOnlyTrainingFlops + (m.cost.embeddingTrainingFlops);
  assert.equal(m.cost.denseOnlyTotalTrainingFlops, denseOnlyTotal);
  assert.equal(costRow('prune_once')[3], ((3e6 + m.cost.embeddingTrainingFlops) / denseOnlyTotal).toFixed(2));
  assert.deepEqual(costRow('d2s r=1').slice(5, 10), ['2.0', '0.250', '1.5', '10', '1.80']);
  for (const f of Object.values(rep.figures)) assertWellFormed(f);
  // 8 fields, embedding 8: interaction (9·8/2 pairs × 2 × 8) = 576, gathers 64.
  const share = flopsShare(streamBase('synthetic', 'quick', repoRoot), 34_048);
  assert.deepEqual([share.interaction, share.gathers, share.mlp], [576, 64, 33_472]);
});

test('againstReference: each arm paired with the compute-matched baseline, with both training computes', () => {
  const runs: RunRecord[] = [];
  for (const s of [1, 2, 3]) {
    runs.push(record({ arm: 'prune_once', dataSeed: s, serving: [0.84, 0.84], trainingFlops: 1e6 }));
    runs.push(record({ arm: 'prune_once_distill', dataSeed: s, serving: [0.82, 0.82], trainingFlops: 4e6 }));
    // d2s: 1 point of ΔNE above the distilled baseline in every seed.
    runs.push(record({ arm: 'd2s r=1', dataSeed: s, serving: [0.828, 0.828], trainingFlops: 4e6 }));
  }
  // Another stream without the baseline contributes no row.
  runs.push(record({ arm: 'd2s r=1', dataSeed: 1, stream: 'synthetic-stationary', serving: [0.9, 0.9] }));
  const m = againstReference(metricsOf(runs), 'prune_once_distill', ['prune_once', 'd2s r=1', 'prune_once_distill']);
  assert.deepEqual(m.map((x) => x.arm), ['prune_once', 'd2s r=1']);
  const d = m[1];
  assert.ok(Math.abs(d.meanDeltaNE!.mean - 1) < 1e-9 && d.meanDeltaNE!.n === 3);
  assert.ok(Math.abs(m[0].meanDeltaNE!.mean - 2.5) < 1e-9);
  // Dense-only: 3 × 1000 FLOPs × 2500 rows (the warm-up window's 500 and two of 1000).
  assert.ok(Math.abs(d.trainingVsDenseOnly - 4e6 / 7.5e6) < 1e-9 && Math.abs(d.referenceTrainingVsDenseOnly - 4e6 / 7.5e6) < 1e-9);
  const rep = buildReport(
    runs.map((r) => ({ ...r, config: { ...streamBase('synthetic', 'quick', repoRoot), paradigm: r.config.paradigm } })),
    { provenance: ['test'], armOrder: ['prune_once', 'd2s r=1', 'prune_once_distill'], allocationOrder: [], ablationStudies: [], defaultAllocation: 'greedy', bases: {}, serving: [] },
  );
  assert.match(rep.markdown, /## At matched training compute[\s\S]*\| synthetic \| 90 % \| d2s r=1 \| 0\.53 \| 0\.53 \| \+1\.00/);
});

test('report: the ablation pools its studies (an extension study with more seeds pairs with the first), outside the main tables', () => {
  const runs = [
    ...[1, 2].flatMap((s) => ['uniform', 'learned'].map((a) => record({ study: 'allocation', arm: 'prune_once', dataSeed: s, allocation: a, serving: a === 'learned' ? [0.82, 0.82] : [0.84, 0.84] }))),
    ...[3, 4].flatMap((s) => ['uniform', 'learned'].map((a) => record({ study: 'allocation-more', arm: 'prune_once', dataSeed: s, allocation: a, serving: a === 'learned' ? [0.82, 0.82] : [0.84, 0.84] }))),
    ...[1, 2].map((s) => record({ study: 'synthetic', arm: 'prune_once', dataSeed: s, serving: [0.88, 0.88] })),
  ];
  for (const r of runs) r.config = { ...streamBase('synthetic', 'quick', repoRoot), paradigm: r.config.paradigm };
  const ctx = { provenance: ['test'], armOrder: ['prune_once'], allocationOrder: ['uniform', 'learned'], defaultAllocation: 'greedy', bases: {}, serving: [] };
  const rep = buildReport(runs, { ...ctx, ablationStudies: ['allocation', 'allocation-more'] });
  // learned is 2.5 points below uniform in all 4 data seeds of the two studies.
  assert.match(rep.markdown, /\| synthetic \| 90 % \| prune_once \| learned \| \+2\.50 \[[^\]]*\] \| -2\.50 \[[^\]]*\] \| 4\/4/);
  const mainTable = rep.markdown.slice(0, rep.markdown.indexOf('## Allocation ablation'));
  assert.match(mainTable, /\| prune_once \| 2 \|/, 'the main table holds the 2 runs of the main study only');
});

test('report of a stopped comparison: cancelled runs are counted as not run, not as failed, with the completeness of each study', () => {
  const runs = [1, 2].flatMap((s) => [record({ arm: 'prune_once', dataSeed: s, serving: [0.82, 0.83] }), record({ arm: 'd2s r=1', dataSeed: s, serving: [0.81, 0.81], status: s === 2 ? 'cancelled' : 'succeeded' })]);
  runs.push(record({ arm: 'd2s r=1', dataSeed: 3, serving: [0.81, 0.81], status: 'failed' }));
  for (const r of runs) r.config = { ...streamBase('synthetic', 'quick', repoRoot), paradigm: r.config.paradigm };
  assert.deepEqual(completeness(runs, ['prune_once', 'd2s r=1']).slice(2), ['| synthetic | prune_once | 2 / 2 | 0 | 1, 2 |', '| synthetic | d2s r=1 | 1 / 3 | 1 | 1 |']);
  const rep = buildReport(runs, { provenance: ['test'], armOrder: ['prune_once', 'd2s r=1'], allocationOrder: [], ablationStudies: [], defaultAllocation: 'greedy', bases: {}, serving: [] });
  assert.match(rep.markdown, /5 fetched through the API, 3 succeeded, 1 failed, 1 not run/);
  assert.match(rep.markdown, /\| d2s r=1 \| 1 \(\+1 failed\) \(1 not run\) \|/);
  // Only the failed run is listed with its error.
  assert.deepEqual(rep.markdown.split('\n').filter((l) => /^\| d2s r=1-\d/.test(l)).map((l) => l.split(' | ')[3]), ['failed']);
});

/** Every tag closed in order, attributes quoted: enough to catch a broken template. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes ${stack.at(-1)}`);
    else stack.push(name);
  }
  assert.deepEqual(stack, []);
  assert.ok(!/<[a-z][^>]*=[^"][^>]*>/.test(svg.replace(/"[^"]*"/g, '""')), 'unquoted attribute');
}

test('figures: well-formed, escaped, ticks round', () => {
  assert.deepEqual(niceTicks(0, 1, 5).map((v) => Math.round(v * 1e9) / 1e9), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-3, 7, 5), [-2, 0, 2, 4, 6]);
  const f = forestPlot({ title: 'a <b> & "c"', xLabel: 'x', rows: [{ group: 'g', label: 'r1', mean: 1, lo: 0.5, hi: 2 }, { label: 'r2', mean: -1, lo: null, hi: null, hollow: true }] });
  assertWellFormed(f);
  assert.match(f, /a &lt;b&gt; &amp; &quot;c&quot;/);
  assertWellFormed(linePlot({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', color: '#000', points: [{ x: 0, y: 1, lo: 0, hi: 2 }, { x: 1, y: 2, lo: 1, hi: 3 }] }], markers: [{ x: 0.5, label: 'm' }], shade: { from: 0, to: 0.5, label: 'w' }, rugs: [{ name: 's', color: '#000', ticks: [{ x: 0.5, weight: 0.5 }] }] }));
  assertWellFormed(scatterPlot({ title: 't', xLabel: 'x', yLabel: 'y', points: [{ x: 1, y: 2, lo: 1, hi: 3, label: 'p', color: '#000' }] }));
});
