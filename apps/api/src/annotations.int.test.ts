// Names, tags and notes on runs and experiments, runs named by what their sweep point varies, a sweep over
// paradigm kinds through the API, and deleting one run or one sweep (rows, store folders, sweep counts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runArtifactKey, runArtifactPrefix } from '@driftprune/db';
import { startHarness, tinyConfig, type Harness } from './testing/harness.js';

let h: Harness;
let experimentId = '';
let sweepRuns: { id: string; name: string; named: boolean; paradigm: string; params: Record<string, unknown> }[] = [];

before(async () => {
  h = await startHarness('annotations');
  experimentId = await h.createExperiment('paradigms', tinyConfig({ paradigm: { kind: 'adaptive_d2s', warmupWindows: 1, tau: 2 } }));
});
after(async () => {
  await h?.close();
});

const SWEEP_RUNS = `query($id: ID!) { sweep(id: $id) { total runs(first: 50) { nodes { id name named paradigm params } } } }`;

test('a sweep over paradigm kinds: the misplaced option is refused at its parameter; fixed, each run is named by its values', async () => {
  const bad = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id } }', {
    i: { experimentId, sweep: { parameters: { 'paradigm.kind': { values: ['adaptive_d2s', 'prune_once'] }, 'paradigm.tau': { values: [0.5, 1] } } } },
  });
  assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  const issues = (bad.errors![0].extensions as { issues: { path: string; message: string }[] }).issues;
  assert.deepEqual(
    issues.map((i) => i.path),
    ['parameters.paradigm.tau'],
  );
  assert.match(issues[0].message, /when: \{ paradigm\.kind: adaptive_d2s \}/);

  const ok = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total } }', {
    i: {
      experimentId,
      sweep: { name: 'kinds', parameters: { 'paradigm.kind': { values: ['adaptive_d2s', 'prune_once'] }, 'paradigm.tau': { values: [0.5, 1], when: { 'paradigm.kind': 'adaptive_d2s' } } } },
    },
  });
  assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
  assert.equal(ok.data.submitSweep.total, 3);
  const s = await h.gql(SWEEP_RUNS, { id: ok.data.submitSweep.id });
  sweepRuns = s.data.sweep.runs.nodes;
  assert.deepEqual(sweepRuns.map((r) => r.name).sort(), ['adaptive_d2s · tau=0.5 · s1', 'adaptive_d2s · tau=1 · s1', 'prune_once · s1']);
  assert.ok(sweepRuns.every((r) => !r.named));
  const e = await h.gql(`query($id: ID!) { experiment(id: $id) { paradigm paradigms } experiments(projectId: "${h.projectId}") { nodes { id paradigms } } }`, { id: experimentId });
  assert.equal(e.data.experiment.paradigm, 'adaptive_d2s');
  assert.deepEqual(e.data.experiment.paradigms, ['adaptive_d2s', 'prune_once']);
  assert.deepEqual(e.data.experiments.nodes.find((x: { id: string }) => x.id === experimentId).paradigms, ['adaptive_d2s', 'prune_once']);
});

test('updateRun: rename (and back to the derived name), tags, notes; bounds are coded errors naming the field', async () => {
  const run = sweepRuns.find((r) => r.paradigm === 'prune_once')!;
  const upd = (input: Record<string, unknown>, token?: string) =>
    h.gql('mutation($id: ID!, $i: UpdateRunInput!) { updateRun(id: $id, input: $i) { id name named tags notes } }', { id: run.id, i: input }, token);
  const r = await upd({ name: '  baseline: prune once ', tags: ['baseline', 'paper fig 3', 'baseline'], notes: 'the failure mode the paper targets' }, h.tokens.editor);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.deepEqual(r.data.updateRun, { id: run.id, name: 'baseline: prune once', named: true, tags: ['baseline', 'paper fig 3'], notes: 'the failure mode the paper targets' });
  const kept = await upd({ notes: null });
  assert.deepEqual([kept.data.updateRun.name, kept.data.updateRun.tags, kept.data.updateRun.notes], ['baseline: prune once', ['baseline', 'paper fig 3'], null], 'fields left out stay');
  const back = await upd({ name: '' });
  assert.deepEqual([back.data.updateRun.name, back.data.updateRun.named], ['prune_once · s1', false]);

  for (const [input, field] of [
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ tags: ['ok', 'no<script>'] }, 'tags'],
    [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    [{ notes: 'n'.repeat(10_001) }, 'notes'],
  ] as const) {
    const e = await upd(input);
    assert.equal(e.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(input).slice(0, 80));
    assert.equal((e.errors![0].extensions as { issues: { path: string }[] }).issues[0].path, field);
  }
  assert.equal((await upd({ tags: ['x'] }, h.tokens.viewer)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
  assert.equal((await upd({ tags: ['x'] }, h.tokens.outsider)).errors?.[0]?.extensions?.code, 'NOT_FOUND');

  await upd({ tags: ['baseline'] });
  const tagged = await h.gql(`query { runs(projectId: "${h.projectId}", filter: { tags: ["baseline"] }) { nodes { id } } }`);
  assert.deepEqual(
    tagged.data.runs.nodes.map((n: { id: string }) => n.id),
    [run.id],
  );
});

test('updateExperiment: rename, describe, tag; an empty name is refused', async () => {
  const upd = (input: Record<string, unknown>) => h.gql('mutation($id: ID!, $i: UpdateExperimentInput!) { updateExperiment(id: $id, input: $i) { name description tags } }', { id: experimentId, i: input });
  const r = await upd({ name: 'adaptive vs prune-once', description: 'kinds', tags: ['paper'] });
  assert.deepEqual(r.data.updateExperiment, { name: 'adaptive vs prune-once', description: 'kinds', tags: ['paper'] });
  assert.equal((await upd({ name: '  ' })).errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.deepEqual((await upd({ description: '' })).data.updateExperiment.description, null);
});

test('deleteRun removes the run, its rows and stored files, and the sweep counts follow; deleteSweep removes the rest', async () => {
  const [first, ...rest] = sweepRuns;
  const key = runArtifactKey(h.projectId, first.id, 'report.html');
  await h.api.services.store.putBytes(key, new TextEncoder().encode('<p>report</p>'));
  await h.db.artifact.create({ data: { projectId: h.projectId, runId: first.id, kind: 'report', name: 'report.html', key, sha256: '0'.repeat(64), sizeBytes: 13n } });
  assert.equal((await h.api.services.store.list(runArtifactPrefix(h.projectId, first.id))).length, 1);
  assert.equal((await h.gql('mutation($id: ID!) { deleteRun(id: $id) { id } }', { id: first.id }, h.tokens.viewer)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
  const d = await h.gql('mutation($id: ID!) { deleteRun(id: $id) { id deletedRuns deletedArtifacts } }', { id: first.id }, h.tokens.editor);
  assert.deepEqual(d.data.deleteRun, { id: first.id, deletedRuns: 1, deletedArtifacts: 1 });
  assert.equal(await h.db.run.count({ where: { id: first.id } }), 0);
  assert.deepEqual(await h.api.services.store.list(runArtifactPrefix(h.projectId, first.id)), [], 'the stored file is gone');
  const sweepId = (await h.db.run.findUniqueOrThrow({ where: { id: rest[0].id } })).sweepId!;
  assert.equal((await h.gql(SWEEP_RUNS, { id: sweepId })).data.sweep.total, 2);
  assert.equal((await h.gql('mutation($id: ID!) { deleteRun(id: $id) { id } }', { id: first.id })).errors?.[0]?.extensions?.code, 'NOT_FOUND');

  const ds = await h.gql('mutation($id: ID!) { deleteSweep(id: $id) { id deletedRuns } }', { id: sweepId });
  assert.deepEqual(ds.data.deleteSweep, { id: sweepId, deletedRuns: 2 });
  assert.equal(await h.db.run.count({ where: { experimentId } }), 0);
  assert.equal(await h.db.sweep.count({ where: { id: sweepId } }), 0);
});
