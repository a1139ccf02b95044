// A sweep's analysis through the real API and Postgres: Pareto front (latency and FLOPs), best under a budget,
// parameter importance, parallel coordinates, CSV/JSON export (GraphQL and GET /export) with coded errors, and the
// time to answer over 1,000 runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Prisma } from '@driftprune/db';
import { startHarness, tinyConfig, type Harness } from './testing/harness.js';

let h: Harness;
let experimentId = '';
let sweepId = '';

/** A made-up but consistent world: ΔNE falls with budget's complement, latency grows with (1 − budget). */
function figures(budget: number, kind: string, seed: number) {
  const gap = 4 * budget + (kind === 'prune_once' ? 1 : 0) + 0.01 * seed;
  const p99 = 1 + 2 * (1 - budget) + 0.001 * seed;
  return { gap, p99, flops: 1000 * (1 - budget) };
}

async function finishRuns(sid: string) {
  const runs = await h.db.run.findMany({ where: { sweepId: sid } });
  for (const r of runs) {
    const params = r.params as Record<string, unknown>;
    const budget = params['pruning.budget'] as number;
    const kind = (params['paradigm.kind'] as string) ?? 'd2s';
    const f = figures(budget, kind, r.seed);
    await h.db.run.update({
      where: { id: r.id },
      data: { status: 'succeeded', progress: 1, startedAt: new Date(Date.now() - 5000), finishedAt: new Date(), summary: { meanDeltaNEPct: f.gap, maxDeltaNEPct: f.gap + 1, meanServingFlopsRatio: 1 - budget, wallSec: 5 } as Prisma.InputJsonValue },
    });
    for (const batchSize of [8, 64])
      await h.db.servingEvaluation.create({ data: { runId: r.id, window: 3, model: 'serving', batchSize, p50Ms: f.p99 / 2, p99Ms: f.p99 * (batchSize / 8), samplesPerSec: 100, parityMaxAbsDiff: 0 } });
    await h.db.windowMetric.createMany({
      data: [2, 3].flatMap((window) => [
        { runId: r.id, window, windowId: `w${window}`, model: 'dense' as const, rows: 600, ne: 0.8, logLoss: 0.5, sparsity: 0, flops: 1000, params: 1 },
        { runId: r.id, window, windowId: `w${window}`, model: 'serving' as const, rows: 600, ne: 0.8 * (1 + f.gap / 100), logLoss: 0.5, sparsity: budget, flops: f.flops, params: 1 },
      ]),
    });
  }
  return runs;
}

/** RFC 4180 parsing, enough for the files we write (quoted cells with "" and commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    }
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

before(async () => {
  h = await startHarness('sweepanalysis');
  experimentId = await h.createExperiment('analysis', tinyConfig({ paradigm: { kind: 'd2s', warmupWindows: 1, r: 2 } }));
  const r = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total } }', {
    i: {
      experimentId,
      sweep: {
        name: 'budgets',
        seeds: [1, 2],
        parameters: { 'paradigm.kind': { values: ['d2s', 'prune_once'] }, 'pruning.budget': { values: [0.5, 0.75, 0.9] } },
        earlyStopping: { rule: 'median', minWindow: 2 },
      },
    },
  });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  sweepId = r.data.submitSweep.id;
  assert.equal(r.data.submitSweep.total, 12);
  await finishRuns(sweepId);
});
after(async () => {
  await h?.close();
});

const PARETO = `query($id: ID!, $cost: ServingCost, $b: Int, $g: Boolean) { sweep(id: $id) { earlyStopping
  paretoFront(cost: $cost, batchSize: $b, groupSeeds: $g) { cost batchSize excludedRuns points { key label n gapPct gapStd cost onFront runIds } front { label gapPct cost } } } }`;

test('Pareto front of ΔNE % against p99 latency: points are the swept values averaged over seeds; dominated ones are off the front', async () => {
  const r = await h.gql(PARETO, { id: sweepId, cost: 'P99_MS', b: 8 });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const pf = r.data.sweep.paretoFront;
  assert.deepEqual(r.data.sweep.earlyStopping, { rule: 'median', metric: 'deltaNe', minWindow: 2, minPeers: 3 });
  assert.equal(pf.batchSize, 8);
  assert.equal(pf.points.length, 6);
  assert.ok(pf.points.every((p: { n: number }) => p.n === 2));
  // prune_once is 1 point worse in ΔNE at the same latency: never on the front; d2s at every budget is
  assert.deepEqual(
    pf.front.map((p: { label: string }) => p.label),
    ['d2s · budget=0.9', 'd2s · budget=0.75', 'd2s · budget=0.5'],
  );
  const d2s09 = pf.points.find((p: { label: string }) => p.label === 'd2s · budget=0.9');
  assert.ok(Math.abs(d2s09.gapPct - (3.6 + 0.015)) < 1e-9, String(d2s09.gapPct));
  assert.ok(d2s09.gapStd > 0);
  const perRun = await h.gql(PARETO, { id: sweepId, cost: 'FLOPS', g: false });
  assert.equal(perRun.data.sweep.paretoFront.points.length, 12);
  assert.equal(perRun.data.sweep.paretoFront.batchSize, null);
  const defaultBatch = await h.gql(PARETO, { id: sweepId });
  assert.equal(defaultBatch.data.sweep.paretoFront.batchSize, 64, 'both batch sizes measured by every run: the largest');
});

test('best run under a latency budget; none fits → null; bad arguments are coded errors', async () => {
  const q = `query($id: ID!, $budget: Float!, $b: Int) { sweep(id: $id) { bestUnderBudget(cost: P99_MS, budget: $budget, batchSize: $b) { label gapPct cost } } }`;
  const r = await h.gql(q, { id: sweepId, budget: 1.6, b: 8 });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal(r.data.sweep.bestUnderBudget.label, 'd2s · budget=0.75');
  assert.equal((await h.gql(q, { id: sweepId, budget: 0.1, b: 8 })).data.sweep.bestUnderBudget, null);
  const bad = await h.gql(q, { id: sweepId, budget: 1, b: 0 });
  assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.equal((bad.errors?.[0]?.extensions as { reason?: string }).reason, 'BAD_BATCH_SIZE');
  const outsider = await h.gql(q, { id: sweepId, budget: 2, b: 8 }, h.tokens.outsider);
  assert.equal(outsider.data?.sweep ?? null, null, 'another project’s sweep is not found');
});

test('parameter importance and parallel coordinates', async () => {
  const r = await h.gql(`query($id: ID!) { sweep(id: $id) { stopped parameterImportance { metric runs parameters { path importance etaSquared share levels { label n mean } } }
    parallelCoordinates { dimensions { key role kind min max log categories } rows { runId name status values } } } }`, { id: sweepId });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const imp = r.data.sweep.parameterImportance;
  assert.equal(imp.runs, 12);
  assert.deepEqual(imp.parameters.map((p: { path: string }) => p.path), ['pruning.budget', 'paradigm.kind', 'seed']);
  assert.equal(r.data.sweep.stopped, 0);
  const pc = r.data.sweep.parallelCoordinates;
  assert.deepEqual(pc.dimensions.slice(0, 2).map((d: { key: string; kind: string }) => [d.key, d.kind]), [['paradigm.kind', 'categorical'], ['pruning.budget', 'numeric']]);
  assert.equal(pc.rows.length, 12);
  assert.equal(pc.rows[0].values.length, pc.dimensions.length);
});

test('export: runs CSV (injection-safe, sorted by a column), groups, compare, JSON; over GraphQL and GET /export', async () => {
  const runs = await h.db.run.findMany({ where: { sweepId }, orderBy: { createdAt: 'asc' } });
  await h.db.run.update({ where: { id: runs[0].id }, data: { name: '=HYPERLINK("http://x","click")', notes: '+cmd' } });
  const q = `query($p: ID!, $f: ExportFormat, $v: ExportView, $filter: RunFilter, $sort: RunSort, $col: String, $g: [String!], $ids: [ID!]) {
    exportRuns(projectId: $p, format: $f, view: $v, filter: $filter, sort: $sort, sortColumn: $col, groupBy: $g, runIds: $ids) { fileName contentType content rows } }`;
  const csv = await h.gql(q, { p: h.projectId, filter: { sweepId }, sort: { field: 'CREATED_AT', direction: 'ASC' }, col: 'meanDeltaNEPct' });
  assert.equal(csv.errors, undefined, JSON.stringify(csv.errors));
  const file = csv.data.exportRuns;
  assert.equal(file.rows, 12);
  assert.match(file.fileName, /^runs-\d{4}-\d\d-\d\d\.csv$/);
  const table = parseCsv(file.content);
  const header = table[0];
  assert.equal(table.length, 13);
  assert.ok(table.every((r) => r.length === header.length), 'every row has every column');
  assert.ok(header.includes('params.pruning.budget') && header.includes('meanDeltaNEPct') && header.includes('earlyStopReason'));
  assert.ok(file.content.includes(`"'=HYPERLINK(""http://x"",""click"")"`), 'a formula name is defused');
  assert.ok(file.content.includes(`'+cmd`));
  const gapCol = header.indexOf('meanDeltaNEPct');
  const gaps = table.slice(1).map((r) => Number(r[gapCol]));
  assert.equal(table.find((r) => r[0] === runs[0].id)![1], `'=HYPERLINK("http://x","click")`);
  assert.deepEqual(gaps, [...gaps].sort((a, b) => a - b), 'sorted by meanDeltaNEPct ascending');

  const groups = await h.gql(q, { p: h.projectId, v: 'GROUPS', f: 'JSON', filter: { sweepId }, g: ['pruning.budget', 'paradigm.kind'] });
  assert.equal(groups.errors, undefined, JSON.stringify(groups.errors));
  const g = JSON.parse(groups.data.exportRuns.content);
  assert.equal(g.length, 6);
  assert.deepEqual([g[0]['pruning.budget'], g[0]['paradigm.kind'], g[0].runs, g[0]['meanDeltaNEPct.n']], [0.5, 'd2s', 2, 2]);

  const cmp = await h.gql(q, { p: h.projectId, v: 'COMPARE', ids: [runs[1].id, runs[2].id] });
  assert.equal(cmp.errors, undefined, JSON.stringify(cmp.errors));
  assert.equal(cmp.data.exportRuns.rows, 8, '2 runs × 2 windows × 2 models');
  assert.match(cmp.data.exportRuns.content.split('\r\n')[0], /^window,runId,runName,model,rows,ne,deltaNePct/);

  const code = async (vars: Record<string, unknown>) => {
    const r = await h.gql(q, { p: h.projectId, ...vars });
    return [r.errors?.[0]?.extensions?.code, (r.errors?.[0]?.extensions as { reason?: string } | undefined)?.reason];
  };
  assert.deepEqual(await code({ col: 'nope' }), ['BAD_USER_INPUT', 'BAD_SORT_COLUMN']);
  assert.deepEqual(await code({ v: 'GROUPS' }), ['BAD_USER_INPUT', 'BAD_GROUP_BY']);
  assert.deepEqual(await code({ v: 'GROUPS', g: ['__proto__.x'] }), ['BAD_USER_INPUT', 'BAD_GROUP_BY']);
  assert.deepEqual(await code({ v: 'COMPARE', ids: [] }), ['BAD_USER_INPUT', 'BAD_RUN_IDS']);
  assert.deepEqual(await code({ v: 'COMPARE', ids: [randomUUID()] }), ['BAD_USER_INPUT', 'NOT_FOUND_RUNS']);
  const other = await h.gql(q, { p: h.otherProjectId });
  assert.equal(other.errors?.[0]?.extensions?.code, 'NOT_FOUND');

  // the same over HTTP, with the URL's parameters
  const base = h.api.url.replace(/\/graphql$/, '');
  const url = (params: Record<string, string>) => `${base}/export?${new URLSearchParams(params)}`;
  const get = (params: Record<string, string>, token: string | null = h.tokens.viewer) => fetch(url(params), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const res = await get({ projectId: h.projectId, filter: JSON.stringify({ sweepId }), sort: JSON.stringify({ direction: 'ASC' }), sortColumn: 'meanDeltaNEPct' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(res.headers.get('content-disposition')!, /^attachment; filename="runs-/);
  const body = await res.text();
  assert.deepEqual(parseCsv(body).map((r) => r[0]), table.map((r) => r[0]), 'same rows in the same order as GraphQL');
  const jres = await get({ projectId: h.projectId, format: 'json', view: 'groups', groupBy: 'pruning.budget', filter: JSON.stringify({ sweepId }) });
  assert.equal(jres.status, 200);
  assert.equal(((await jres.json()) as unknown[]).length, 3);
  assert.equal((await get({ projectId: h.projectId }, null)).status, 401);
  assert.equal((await get({ projectId: h.otherProjectId })).status, 404);
  const badJson = await get({ projectId: h.projectId, filter: '{nope' });
  assert.equal(badJson.status, 400);
  assert.equal(((await badJson.json()) as { reason: string }).reason, 'BAD_EXPORT_QUERY');
  const unknown = await get({ projectId: h.projectId, filter: JSON.stringify({ sweepId, evil: 1 }) });
  assert.equal(unknown.status, 400);
  const badSort = await get({ projectId: h.projectId, sortColumn: 'nope' });
  assert.deepEqual([badSort.status, ((await badSort.json()) as { reason: string }).reason], [400, 'BAD_SORT_COLUMN']);
});

test('1,000 runs: Pareto front, importance, parallel coordinates and the runs CSV answer fast', async () => {
  const sid = randomUUID();
  const exp = await h.db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  await h.db.sweep.create({
    data: {
      id: sid,
      projectId: h.projectId,
      experimentId,
      name: 'big',
      method: 'random',
      config: { base: exp.config, method: 'random', samples: 1000, parameters: { 'pruning.budget': { min: 0.3, max: 0.95 }, 'optimizer.lr': { min: 0.001, max: 0.1, log: true }, 'paradigm.kind': { values: ['d2s', 'prune_once'] } } } as Prisma.InputJsonValue,
      seeds: [1],
      total: 1000,
    },
  });
  const ids: string[] = [];
  const rows = Array.from({ length: 1000 }, (_, i) => {
    const id = randomUUID();
    ids.push(id);
    const budget = 0.3 + ((i * 7919) % 1000) / 1540;
    const kind = i % 2 ? 'd2s' : 'prune_once';
    const f = figures(budget, kind, 1);
    return {
      id,
      projectId: h.projectId,
      experimentId,
      sweepId: sid,
      config: exp.config as Prisma.InputJsonValue,
      params: { 'pruning.budget': budget, 'optimizer.lr': 0.001 * 100 ** (((i * 31) % 1000) / 1000), 'paradigm.kind': kind, seed: 1 },
      seed: 1,
      paradigm: kind,
      status: 'succeeded' as const,
      summary: { meanDeltaNEPct: f.gap, meanServingFlopsRatio: 1 - budget, wallSec: 5 },
      _f: f,
    };
  });
  await h.db.run.createMany({ data: rows.map(({ _f, ...r }) => r) });
  await h.db.servingEvaluation.createMany({ data: rows.map((r) => ({ runId: r.id, window: 3, model: 'serving' as const, batchSize: 8, p50Ms: r._f.p99 / 2, p99Ms: r._f.p99, samplesPerSec: 1, parityMaxAbsDiff: 0 })) });
  const time = async (what: string, query: string, vars: Record<string, unknown>) => {
    const t0 = performance.now();
    const r = await h.gql(query, vars);
    const ms = performance.now() - t0;
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return { what, ms, r };
  };
  const timings = [];
  for (let rep = 0; rep < 2; rep++)
    timings.push(
      await time('paretoFront P99', `query($id: ID!) { sweep(id: $id) { paretoFront(cost: P99_MS) { points { key } front { key } } } }`, { id: sid }),
      await time('parameterImportance', `query($id: ID!) { sweep(id: $id) { parameterImportance { runs parameters { path importance } } } }`, { id: sid }),
      await time('parallelCoordinates', `query($id: ID!) { sweep(id: $id) { parallelCoordinates { dimensions { key } rows { runId values } } } }`, { id: sid }),
      await time('exportRuns CSV', `query($p: ID!, $f: RunFilter) { exportRuns(projectId: $p, filter: $f) { rows } }`, { p: h.projectId, f: { sweepId: sid } }),
    );
  // the first pass computes; the second may be answered from the API's response cache
  const first = timings.slice(0, 4);
  const last = timings.slice(4);
  const load = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim();
  console.log(`1,000 runs, whole GraphQL round trip (load ${load}): first ${first.map((t) => `${t.what} ${t.ms.toFixed(0)} ms`).join(', ')}; again ${last.map((t) => `${t.ms.toFixed(0)}`).join(', ')} ms`);
  assert.equal(last[1].r.data.sweep.parameterImportance.runs, 1000);
  assert.equal(last[1].r.data.sweep.parameterImportance.parameters[0].path, 'pruning.budget');
  assert.equal(last[3].r.data.exportRuns.rows, 1000);
  for (const t of first) assert.ok(t.ms < 10_000, `${t.what}: ${t.ms.toFixed(0)} ms`);
});
