// The orphan sweep on a DirectoryStore in a temporary folder; run existence is a fixed set (no database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryStore, runArtifactKey, runArtifactPrefix } from './store.js';
import { ORPHAN_GRACE_MS, sweepOrphanRunFolders } from './orphans.js';

const HOUR = 3_600_000;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(join(tmpdir(), 'dp-orphans-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = new DirectoryStore(root);
  const project = randomUUID();
  /** Puts files for a run, dated `ageMs` ago. */
  const put = async (runId: string, names: string[], ageMs: number) => {
    for (const n of names) {
      const key = runArtifactKey(project, runId, n);
      await store.putBytes(key, new TextEncoder().encode(n));
      const at = new Date(Date.now() - ageMs);
      await utimes(join(root, ...key.split('/')), at, at);
    }
  };
  const files = async (runId: string) => (await store.list(runArtifactPrefix(project, runId))).map((o) => o.key.split('/').slice(4).join('/')).sort();
  return { root, store, project, put, files };
}

test('the sweep removes the old folders of runs that do not exist, and nothing else', async (t) => {
  const { root, store, project, put, files } = await setup(t);
  const live = randomUUID();
  const deletedOld = randomUUID();
  const deletedFresh = randomUUID();
  await put(live, ['models/serving w0001.onnx', 'checkpoints/w000001/checkpoint/state.json'], 2 * HOUR);
  await put(deletedOld, ['models/serving w0001.onnx', 'checkpoints/w000002/checkpoint/state.json', 'summary.json'], 2 * HOUR);
  // a deleted run whose worker wrote a file a minute ago: maybe still writing, left for a later sweep
  await put(deletedFresh, ['checkpoints/w000001/checkpoint/state.json'], 2 * HOUR);
  await put(deletedFresh, ['checkpoints/w000002/checkpoint/state.json'], 60_000);
  // not a run id: not the sweep's to judge
  await mkdir(join(root, 'projects', project, 'runs', 'scratch'), { recursive: true });
  await store.putBytes(`projects/${project}/runs/scratch/notes.txt`, new Uint8Array([1]));
  // an empty folder left by a deleted run
  const empty = randomUUID();
  await mkdir(join(root, 'projects', project, 'runs', empty, 'models'), { recursive: true });

  assert.deepEqual((await store.listRunPrefixes()).map((p) => p.runId).sort(), [live, deletedOld, deletedFresh, 'scratch', empty].sort());
  const asked: string[][] = [];
  const logs: string[] = [];
  const r = await sweepOrphanRunFolders(store, async (ids) => (asked.push(ids), new Set(ids.filter((id) => id === live))), { log: (m) => logs.push(m) });
  assert.deepEqual(asked.flat().sort(), [live, deletedOld, deletedFresh, empty].sort(), 'only run ids are looked up');
  assert.equal(r.checked, 4);
  assert.deepEqual(r.swept.sort((a, b) => a.prefix.localeCompare(b.prefix)), [
    { prefix: runArtifactPrefix(project, deletedOld), objects: 3 },
    { prefix: runArtifactPrefix(project, empty), objects: 0 },
  ].sort((a, b) => a.prefix.localeCompare(b.prefix)));
  assert.deepEqual(r.deferred, [runArtifactPrefix(project, deletedFresh)]);
  assert.equal(existsSync(join(root, 'projects', project, 'runs', deletedOld)), false);
  assert.equal(existsSync(join(root, 'projects', project, 'runs', empty)), false);
  assert.deepEqual(await files(live), ['checkpoints/w000001/checkpoint/state.json', 'models/serving w0001.onnx']);
  assert.equal((await files(deletedFresh)).length, 2);
  assert.ok(existsSync(join(root, 'projects', project, 'runs', 'scratch', 'notes.txt')));
  assert.equal(logs.length, 1);
  assert.match(logs[0], /removed 2 folder\(s\) of deleted runs \(3 objects\); 1 written to in the last 600 s left for later/);

  // past the grace period the fresh one goes too
  const later = await sweepOrphanRunFolders(store, async (ids) => new Set(ids.filter((id) => id === live)), { now: new Date(Date.now() + ORPHAN_GRACE_MS) });
  assert.deepEqual(later.swept, [{ prefix: runArtifactPrefix(project, deletedFresh), objects: 2 }]);
  assert.deepEqual(later.deferred, []);
  assert.deepEqual((await store.listRunPrefixes()).map((p) => p.runId).sort(), [live, 'scratch'].sort());
});

test('a dry run lists what it would remove and removes nothing; a custom grace period applies', async (t) => {
  const { store, put, files } = await setup(t);
  const gone = randomUUID();
  await put(gone, ['a.onnx', 'b/c.json'], 5 * 60_000);
  const noneExist = async () => new Set<string>();
  const dry = await sweepOrphanRunFolders(store, noneExist, { graceMs: 60_000, dryRun: true });
  assert.equal(dry.swept[0].objects, 2);
  assert.equal((await files(gone)).length, 2);
  assert.deepEqual((await sweepOrphanRunFolders(store, noneExist)).deferred.length, 1, 'younger than the default 10 minutes');
  assert.equal((await sweepOrphanRunFolders(store, noneExist, { graceMs: 60_000 })).swept[0].objects, 2);
  assert.deepEqual(await files(gone), []);
});

test('list is folder-like: runs/r1 does not list runs/r10; sizes and times are those of the files', async (t) => {
  const { store } = await setup(t);
  await store.putBytes('projects/p/runs/r1/a.bin', new Uint8Array([1, 2, 3]));
  await store.putBytes('projects/p/runs/r10/b.bin', new Uint8Array([1]));
  const listed = await store.list('projects/p/runs/r1');
  assert.deepEqual(listed.map((o) => ({ key: o.key, sizeBytes: o.sizeBytes })), [{ key: 'projects/p/runs/r1/a.bin', sizeBytes: 3 }]);
  assert.ok(Math.abs(listed[0].modifiedAt.getTime() - Date.now()) < 60_000);
  assert.deepEqual(await store.list('projects/p/runs/missing'), []);
});
