// The comparison's generated report (docs/results/compare.md) and figures (docs/results/*.svg) from the analysis.
import type { RunRecord } from './collect.js';
import { againstReference, allocationEffects, cells, denseRunTraining, driftVsControl, initSeedSpread, runMetrics, SHOCK_WINDOWS, traces, type Cell, type Estimate, type PairedEstimate, type RunMetrics } from './analysis.js';
import { forestPlot, linePlot, PALETTE, scatterPlot, type ForestRow } from './figures.js';
import { BASELINE_ARM, COMPUTE_MATCHED_ARM, HEADLINE_BUDGET, shiftWindows, type StreamId } from './plan.js';
import type { ServingSpeedup } from './serving.js';

export interface ReportContext {
  /** How it was produced: command, commit, machine, load, timings (printed first). */
  provenance: string[];
  /** Arm labels in the order of the plan. */
  armOrder: string[];
  allocationOrder: string[];
  /** Studies that compare allocation rules (the ablation): reported in their own section, left out of the main tables. */
  ablationStudies: string[];
  defaultAllocation: string;
  /** Base config per stream (for model sizes and markers). */
  bases: Partial<Record<StreamId, Record<string, any>>>;
  /** Serving speed-ups of final models timed after the runs (serving.ts). */
  serving: ServingSpeedup[];
}

const pct = (v: number, d = 2) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(d)}` : '—');
const ci = (e: { ci: { lo: number | null; hi: number | null } }, d = 2) => (e.ci.lo === null || e.ci.hi === null ? '' : ` [${pct(e.ci.lo, d)}, ${pct(e.ci.hi, d)}]`);
const est = (e: Estimate | undefined, d = 2) => (e ? `${pct(e.mean, d)}${ci(e, d)}` : '—');
const pValue = (p: number) => (p < 0.001 ? '<0.001' : p.toFixed(3));
const wins = (p: PairedEstimate | undefined) =>
  p ? `${p.sign.negative}/${p.sign.negative + p.sign.positive + p.sign.ties} (p ${pValue(p.sign.pTwoSided)}); runs ${p.runSign.negative}/${p.n}` : '—';
const budgetPct = (b: number) => `${Math.round(b * 100)} %`;
const num = (v: number | null | undefined, d = 2) => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** Forward FLOPs per row by part, from the config: MLPs, the dot interaction, and embedding elements gathered (1 op each). */
export function flopsShare(config: Record<string, any>, mlpPlusInteraction: number): { mlp: number; interaction: number; gathers: number; mlpShare: number } {
  const d = config.model.embeddingDim as number;
  const hs = config.data.hashSize;
  const fields = config.data.source === 'synthetic' ? (config.data.synthetic.numFields as number) : Array.isArray(hs) ? hs.length : 0;
  const n = fields + 1;
  const interaction = config.model.interaction === 'cat' ? 0 : n * (n - 1) * d;
  const mlp = mlpPlusInteraction - interaction;
  const gathers = fields * d;
  return { mlp, interaction, gathers, mlpShare: mlp / (mlp + interaction + gathers) };
}

function streamTable(records: RunRecord[], ms: RunMetrics[]): string[] {
  const out = ['| stream | windows (evaluated) | rows per run | dense NE: window mean / pooled | model (emb; bottom / top) | dense FLOPs per row: MLP / interaction / gathers | MLP share |', '|---|---|---|---|---|---|---|'];
  for (const stream of [...new Set(ms.map((m) => m.stream))]) {
    const r = records.find((x) => x.stream === stream && x.status === 'succeeded' && x.windows.some((w) => w.dense))!;
    const rm = ms.filter((m) => m.stream === stream);
    const rows = r.windows.reduce((a, w) => a + (w.dense?.rows ?? 0), 0);
    const f = flopsShare(r.config, r.windows[0].dense!.flops);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    out.push(
      `| ${stream} | ${r.windows.length} (${Math.max(...rm.map((m) => m.evaluationWindows))}) | ${rows.toLocaleString('en-US')} | ${mean(rm.map((m) => m.meanNEDense)).toFixed(3)} / ${mean(rm.map((m) => m.pooledNEDense)).toFixed(3)} | ` +
        `${r.config.model.embeddingDim}; ${r.config.model.bottomMlp.join('-')} / ${r.config.model.topMlp.join('-')} | ${f.mlp.toLocaleString('en-US')} / ${f.interaction.toLocaleString('en-US')} / ${f.gathers.toLocaleString('en-US')} | ${(100 * f.mlpShare).toFixed(1)} % |`,
    );
  }
  return out;
}

/** The costs of each arm of a cell (docs/method.md § Cost accounting): medians or means over its runs. */
function costTable(c: Cell): string[] {
  const out = [
    `#### ${c.stream}, budget ${budgetPct(c.budget)}, allocation ${c.allocation}`,
    '',
    '| arm | training FLOPs / dense-only (MLPs + interaction) | with embedding updates | embedding share of training FLOPs | peak model memory MB (median) | serving FLOPs / dense (time-averaged) | refresh wall s (median) | run wall s (median) | serving speed-up measured in the run (median) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const a of c.arms) {
    const k = a.costs;
    out.push(
      `| ${a.arm} | ${num(k.trainingVsDenseOnly.mean)} | ${num(k.totalTrainingVsDenseOnly)} | ${Number.isFinite(k.embeddingShare) ? `${(100 * k.embeddingShare).toFixed(1)} %` : '—'} | ${num(k.peakModelBytes / 1e6, 1)} | ` +
        `${num(k.meanServingFlopsRatio, 3)} | ${num(k.refreshWallSec, 1)} | ${num(k.wallSec, 0)} | ${k.meanServingSpeedup === null ? '—' : num(k.meanServingSpeedup)} |`,
    );
  }
  return out;
}

function cellTable(c: Cell): string[] {
  const out = [
    `#### ${c.stream}, budget ${budgetPct(c.budget)}, allocation ${c.allocation}`,
    '',
    '| arm | runs | ΔNE % (window mean) | ΔNE % (pooled) | paired Δ vs prune_once (window mean) | paired Δ (pooled) | lower than prune_once: seeds (sign test); runs | ΔNE % 2nd half | paired Δ 2nd half | growth (2nd − 1st half) | refreshes | training / dense-only | serving FLOPs / dense (time-averaged) | wall s (median) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const a of c.arms) {
    const v = a.vsBaseline;
    out.push(
      `| ${a.arm} | ${a.runs}${a.failed ? ` (+${a.failed} failed)` : ''}${a.notRun ? ` (${a.notRun} not run)` : ''} | ${est(a.stats.meanDeltaNE)} | ${est(a.stats.pooledDeltaNE)} | ${a.arm === BASELINE_ARM ? '—' : est(v.meanDeltaNE)} | ${a.arm === BASELINE_ARM ? '—' : est(v.pooledDeltaNE)} | ` +
        `${a.arm === BASELINE_ARM ? '—' : wins(v.meanDeltaNE)} | ${est(a.stats.lateDeltaNE)} | ${a.arm === BASELINE_ARM ? '—' : est(v.lateDeltaNE)} | ${est(a.stats.growth)} | ${num(a.costs.refreshes, 1)} | ${num(a.costs.trainingVsDenseOnly.mean)} | ${num(a.costs.servingFlopsRatio, 3)} | ${num(a.costs.wallSec, 0)} |`,
    );
  }
  return out;
}

/** Per study and arm: runs succeeded / planned, and the data seeds that have a succeeded run (a stopped comparison). */
export function completeness(records: RunRecord[], armOrder: string[]): string[] {
  const out = ['| study | arm | succeeded / planned | failed | data seeds with a succeeded run |', '|---|---|---|---|---|'];
  const studies = [...new Set(records.map((r) => r.study))];
  for (const study of studies) {
    const rs = records.filter((r) => r.study === study);
    const arms = [...new Set(rs.map((r) => r.arm))].sort((a, b) => armOrder.indexOf(a) - armOrder.indexOf(b));
    for (const arm of arms) {
      const ra = rs.filter((r) => r.arm === arm);
      const ok = ra.filter((r) => r.status === 'succeeded');
      const seeds = [...new Set(ok.map((r) => r.dataSeed))].sort((a, b) => a - b);
      out.push(`| ${study} | ${arm} | ${ok.length} / ${ra.length} | ${ra.filter((r) => r.status === 'failed').length} | ${seeds.length ? seeds.join(', ') : '—'} |`);
    }
  }
  return out;
}

export interface Report {
  markdown: string;
  figures: Record<string, string>;
  metrics: RunMetrics[];
}

export function buildReport(records: RunRecord[], ctx: ReportContext): Report {
  const denseRuns = denseRunTraining(records);
  const metrics = records.map((r) => runMetrics(r, denseRuns)).filter((m): m is RunMetrics => m !== null);
  // The allocation ablation's runs have their own section: the main tables hold the studies of the main question.
  const ablation = new Set(ctx.ablationStudies);
  const main = metrics.filter((m) => !ablation.has(m.study));
  const ablationRuns = metrics.filter((m) => ablation.has(m.study));
  const cs = cells(main, records, ctx.armOrder);
  const figures: Record<string, string> = {};
  const color = (arm: string) => PALETTE[Math.max(0, ctx.armOrder.indexOf(arm)) % PALETTE.length];
  const md: string[] = ['# Paradigm comparison (generated)', '', ...ctx.provenance, ''];
  const failed = records.filter((r) => r.status === 'failed');
  const succeeded = records.filter((r) => r.status === 'succeeded').length;
  const notRun = records.length - succeeded - failed.length;
  md.push(
    `Runs: ${records.length} fetched through the API, ${succeeded} succeeded, ${failed.length} failed, ${notRun} not run (cancelled or still queued: the comparison was stopped before the workers reached them).`,
    '',
  );
  if (notRun) md.push(...completeness(records, ctx.armOrder), '');
  if (failed.length) {
    md.push('| run | study | arm | status | error |', '|---|---|---|---|---|');
    for (const r of failed) md.push(`| ${r.id} | ${r.study} | ${r.arm} | ${r.status} | ${(r.error ?? '').replace(/\|/g, '/').slice(0, 160)} |`);
    md.push('');
  }
  md.push('## Streams and models', '', ...streamTable(records, metrics), '');
  md.push(
    '## Gap to the dense model, and paired differences against prune_once',
    '',
    'ΔNE % = 100·(NE_serving / NE_dense − 1) of the run\'s own dense reference, over evaluation windows (after warm-up, one-class and few-row windows left out). ' +
      '*Window mean*: every window the same weight; *pooled*: row-weighted (Σ rows·log loss / Σ rows·H). *Paired Δ*: the arm minus prune_once with the same data seed and init seed, ' +
      'negative = lower gap than prune_once. Brackets: 95 % BCa bootstrap CIs (10,000 resamples, seeded) that resample data seeds, keeping runs of one data seed together. ' +
      'Sign test: per data seed (mean over its init seeds), exact, two-sided; then the count over single runs. ' +
        `*2nd half*: the mean over the second half of the evaluation windows that follow the first ${SHOCK_WINDOWS} (the pruning shock): where a sparse model stands once the stream has moved on.`,
    '',
  );
  for (const c of cs.filter((c) => c.allocation === ctx.defaultAllocation || ctx.allocationOrder.length === 0)) md.push(...cellTable(c), '');

  // Forest plots: paired Δ vs prune_once per stream.
  for (const stream of [...new Set(cs.map((c) => c.stream))]) {
    const rows: ForestRow[] = [];
    for (const c of cs.filter((c) => c.stream === stream && c.allocation === ctx.defaultAllocation))
      for (const a of c.arms.filter((a) => a.arm !== BASELINE_ARM))
        for (const [st, hollow] of [['meanDeltaNE', false], ['pooledDeltaNE', true]] as const) {
          const p = a.vsBaseline[st];
          if (p) rows.push({ group: `budget ${budgetPct(c.budget)}`, label: `${a.arm} (${st === 'meanDeltaNE' ? 'window mean' : 'pooled'})`, mean: p.mean, lo: p.ci.lo, hi: p.ci.hi, color: color(a.arm), hollow, note: `lower: ${p.sign.negative}/${p.sign.negative + p.sign.positive + p.sign.ties} seeds` });
        }
    if (rows.length)
      figures[`forest-${stream}.svg`] = forestPlot({ title: `${stream}: ΔNE % of each arm minus prune_once's (paired, 95 % CI)`, xLabel: 'paired difference in ΔNE % (negative: closer to dense than prune_once)', rows });
  }

  // Traces per stream and budget.
  const ts = traces(main, ctx.defaultAllocation);
  for (const key of [...new Set(ts.map((t) => `${t.stream}|${t.budget}`))]) {
    const [stream, budget] = key.split('|');
    const tt = ts.filter((t) => `${t.stream}|${t.budget}` === key).sort((a, b) => ctx.armOrder.indexOf(a.arm) - ctx.armOrder.indexOf(b.arm));
    const first = Math.min(...tt.flatMap((t) => t.bands.map((b) => b.index)));
    const base = ctx.bases[stream as StreamId];
    figures[`trace-${stream}-${Math.round(Number(budget) * 100)}.svg`] = linePlot({
      title: `${stream}, ${budgetPct(Number(budget))}: ΔNE % per window (mean over data seeds, 95 % band)`,
      xLabel: 'window',
      yLabel: 'ΔNE % vs dense',
      series: tt.map((t) => ({ name: t.arm, color: color(t.arm), points: t.bands.map((b) => ({ x: b.index, y: b.mean, lo: b.lo, hi: b.hi })) })),
      shade: first > 0 ? { from: 0, to: first - 0.5, label: 'warm-up' } : undefined,
      markers: base ? shiftWindows(base).map((w) => ({ x: w - 0.5, label: `abrupt shift before window ${w}` })) : [],
      rugs: tt.filter((t) => t.refreshShare.size).map((t) => ({ name: t.arm, color: color(t.arm), ticks: [...t.refreshShare].map(([x, weight]) => ({ x: x + 0.5, weight })) })),
    });
  }

  // Drift vs stationary control.
  const dc = driftVsControl(main, ctx.defaultAllocation);
  if (dc.length) {
    md.push(
      '## Does the gap grow because of drift? (drifting stream against its stationary control)',
      '',
      `Growth = mean ΔNE % over the second half of the evaluation windows minus the first half, leaving out the first ${SHOCK_WINDOWS} evaluation windows (the pruning shock, which training recovers on any stream). ` +
        '*drift − control*: paired by data seed and init seed (the shuffled Globo stream has the same rows, in another order). ' +
        '*Arm − prune_once*: the growth of the arm\'s gap minus prune_once\'s, on each stream.',
      '',
      '| drifting / control | budget | arm | growth on drift | growth on control | drift − control (paired) | growth of arm − prune_once: drift | …: control |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const d of dc)
      md.push(
        `| ${d.drift} / ${d.control} | ${budgetPct(d.budget)} | ${d.arm} | ${est(d.driftGrowth)} | ${est(d.controlGrowth)} | ${est(d.difference ?? undefined)} | ${d.driftRelGrowth ? est(d.driftRelGrowth) : '—'} | ${d.controlRelGrowth ? est(d.controlRelGrowth) : '—'} |`,
      );
    md.push('');
    figures['drift-vs-control.svg'] = forestPlot({
      title: 'Growth of the gap (2nd half − 1st half ΔNE %): drifting (filled) vs stationary control (hollow)',
      xLabel: 'growth of ΔNE % (percentage points)',
      rows: dc.flatMap((d) => [
        { group: `${d.drift} vs ${d.control}, ${budgetPct(d.budget)}`, label: `${d.arm}: ${d.drift}`, mean: d.driftGrowth.mean, lo: d.driftGrowth.ci.lo, hi: d.driftGrowth.ci.hi, color: color(d.arm) },
        { group: `${d.drift} vs ${d.control}, ${budgetPct(d.budget)}`, label: `${d.arm}: ${d.control}`, mean: d.controlGrowth.mean, lo: d.controlGrowth.ci.lo, hi: d.controlGrowth.ci.hi, color: color(d.arm), hollow: true },
      ]),
    });
  }

  // Init seed against data seed.
  const spread = initSeedSpread(main);
  if (spread.length) {
    md.push(
      '## Init seed against data seed',
      '',
      'The runs of a stream whose data seeds also ran under a second initialisation (the sweep seed; a data seed picks the users and negatives, or the synthetic world). ' +
        '*Between data seeds*: SD of each data seed\'s mean over its init seeds; *between init seeds*: the pooled SD over init seeds within a data seed. ' +
        '*Same sign*: data seeds whose value has one sign under every init seed. *Last − first init seed*: paired by data seed, 95 % BCa CI over data seeds. ' +
        '*Both seeds random*: the mean over every (data seed, init seed) with a 95 % pigeonhole bootstrap CI (Owen 2007: data seeds and init seeds resampled independently): an interval that counts the init seed as random too; with 3 init seeds it is wide by construction.',
      '',
      '| stream | budget | arm | statistic | data seeds | init seeds | mean under each init seed | mean, both seeds random (pigeonhole CI) | SD between data seeds | SD between init seeds | same sign | last − first init seed |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const x of spread)
      md.push(
        `| ${x.stream} | ${budgetPct(x.budget)} | ${x.arm} | ${x.statistic} | ${x.dataSeeds} | ${x.initSeeds.join(', ')} | ${x.perInitMean.map((v) => pct(v)).join(' / ')} | ${pct(x.crossed.estimate)}${ci({ ci: x.crossed })} | ${num(x.betweenDataSD)} | ${num(x.withinInitSD)} | ${x.sameSign} / ${x.dataSeeds} | ${est(x.initShift)} |`,
      );
    md.push('');
  }

  // Allocation ablation.
  const reference = ctx.allocationOrder[0];
  const al = reference ? allocationEffects(ablationRuns, reference, ctx.allocationOrder) : [];
  if (al.length) {
    md.push(
      '## Allocation ablation',
      '',
      `Mean ΔNE % (window mean) per allocation rule inside each paradigm, and its paired difference to \`${reference}\` (same data seed and init seed).`,
      '',
      `| stream | budget | arm | allocation | ΔNE % | Δ vs ${reference} | lower than ${reference}: seeds |`,
      '|---|---|---|---|---|---|---|',
    );
    for (const a of al)
      md.push(`| ${a.stream} | ${budgetPct(a.budget)} | ${a.arm} | ${a.allocation} | ${est(a.meanDeltaNE)} | ${a.vsReference ? est(a.vsReference) : '—'} | ${a.vsReference ? wins(a.vsReference) : '—'} |`);
    md.push('');
    for (const c of cells(ablationRuns, records, ctx.armOrder)) md.push(...cellTable(c), '');
    figures['allocation.svg'] = forestPlot({
      title: 'Allocation ablation: ΔNE % (window mean, 95 % CI)',
      xLabel: 'ΔNE % vs dense',
      rows: al.map((a) => ({ group: `${a.stream}, ${a.arm}, ${budgetPct(a.budget)}`, label: a.allocation, mean: a.meanDeltaNE.mean, lo: a.meanDeltaNE.ci.lo, hi: a.meanDeltaNE.ci.hi, color: PALETTE[ctx.allocationOrder.indexOf(a.allocation) % PALETTE.length] })),
    });
  }

  md.push(
    '## Costs',
    '',
    'Training FLOPs: 3 × forward FLOPs of the MLPs and the interaction per trained row for every model the paradigm trains (gate steps, probes and distillation passes included), ' +
      'over what training the dense model alone on the same rows costs; *with embedding updates*: adds F·D values per row and model, each accumulated (1 FLOP) and updated by the optimizer (Adagrad 6). ' +
      'Peak model memory: parameters, embedding tables, optimizer slots, masks and Taylor scores of the live models at once (dense, serving, shadow or ramping), 4 bytes each. ' +
      'Refresh wall s: wall time in the paradigm\'s actions (pruning, learned gates, installing, fine-tuning). Wall times ran beside other work on a shared machine. ' +
      'Serving speed-up measured in the run: only the runs of a study\'s first data seed time their final models; the table after this one times them again on an idle worker pool.',
    '',
  );
  for (const c of cs.filter((c) => c.allocation === ctx.defaultAllocation || ctx.allocationOrder.length === 0)) md.push(...costTable(c), '');

  // The D2S family against the compute-matched baseline.
  const matched = againstReference(main.filter((m) => m.allocation === ctx.defaultAllocation), COMPUTE_MATCHED_ARM, ctx.armOrder);
  if (matched.length) {
    md.push(
      `## At matched training compute: every arm against ${COMPUTE_MATCHED_ARM}`,
      '',
      `${COMPUTE_MATCHED_ARM} trains the dense model as D2S does and distils the fixed sparse model from it, so it pays about D2S's training compute without ever replacing the sparse model. ` +
        'Paired Δ: the arm\'s ΔNE % minus its, same data seed and init seed (negative: the arm is closer to dense); 95 % BCa CIs over data seeds.',
      '',
      `| stream | budget | arm | training / dense-only | ${COMPUTE_MATCHED_ARM}'s | paired Δ (window mean) | paired Δ (pooled) | lower than ${COMPUTE_MATCHED_ARM}: seeds (sign test); runs |`,
      '|---|---|---|---|---|---|---|---|',
    );
    for (const m of matched)
      md.push(
        `| ${m.stream} | ${budgetPct(m.budget)} | ${m.arm} | ${num(m.trainingVsDenseOnly)} | ${num(m.referenceTrainingVsDenseOnly)} | ${est(m.meanDeltaNE ?? undefined)} | ${est(m.pooledDeltaNE ?? undefined)} | ${wins(m.meanDeltaNE ?? undefined)} |`,
      );
    md.push('');
  }

  // Cost against gap at the headline budget.
  const points = cs
    .filter((c) => c.budget === HEADLINE_BUDGET && c.allocation === ctx.defaultAllocation && c.stream === 'globo')
    .flatMap((c) => c.arms.map((a) => ({ x: a.costs.trainingVsDenseOnly.mean, y: a.stats.meanDeltaNE.mean, lo: a.stats.meanDeltaNE.ci.lo, hi: a.stats.meanDeltaNE.ci.hi, label: a.arm, color: color(a.arm) })));
  if (points.length)
    figures['cost-globo.svg'] = scatterPlot({ title: `Globo, ${budgetPct(HEADLINE_BUDGET)}: gap against training compute`, xLabel: 'training FLOPs / a dense-only run', yLabel: 'ΔNE % (window mean)', points });

  if (ctx.serving.length) {
    md.push(
      '## Serving speed-up of the evaluated models',
      '',
      'The final dense and serving ONNX models of one run per stream, arm and budget (its smallest seeds), downloaded through the API and timed in onnxruntime-node ' +
        '(1 thread) by the comparison itself after the workers finished: dense and pruned alternating, median over rounds of dense p50 / pruned p50 (range over rounds in brackets). ' +
        'Inputs: random valid ids and standard-normal dense features.',
      '',
      '| stream | arm | budget | batch | dense p50 ms | pruned p50 ms | speed-up [range] | rounds |',
      '|---|---|---|---|---|---|---|---|',
    );
    const order = (s: ServingSpeedup) => `${s.stream}|${s.budget}|${String(ctx.armOrder.indexOf(s.arm)).padStart(3, '0')}|${String(s.batchSize).padStart(6, '0')}`;
    for (const s of [...ctx.serving].sort((a, b) => order(a).localeCompare(order(b))))
      md.push(`| ${s.stream} | ${s.arm} | ${budgetPct(s.budget)} | ${s.batchSize} | ${s.denseP50Ms.toFixed(3)} | ${s.servingP50Ms.toFixed(3)} | ${s.speedup.toFixed(2)} [${s.min.toFixed(2)}, ${s.max.toFixed(2)}] | ${s.rounds} |`);
    md.push('');
  }
  md.push('## Figures', '', ...Object.keys(figures).map((f) => `- [${f}](${f})`), '');
  return { markdown: md.join('\n'), figures, metrics };
}
