import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { buildSchema, parse, validate } from 'graphql';
import { main } from '../main.js';
import { CREATE_EXPERIMENT, SUBMIT_SWEEP, pointSlug } from './sweep.js';

const sweep = `name: tiny-sweep
method: grid
seeds: [1, 2]
parameters:
  pruning.budget: { values: [0.5, 0.7] }
base:
  data:
    source: synthetic
    window: rows:300
    batchSize: 100
    hashSize: 100
    synthetic: { windows: 3, rowsPerWindow: 300, numDense: 3, numFields: 3, vocabPerField: 40 }
  model: { embeddingDim: 4, bottomMlp: [8], topMlp: [16] }
  engine: { threads: 1 }
  paradigm: { kind: prune_once, warmupWindows: 1 }
  pruning: { budget: 0.5, criterion: magnitude, allocation: uniform, minWidth: 2 }
  evaluation: { serving: { enabled: false } }
`;

async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { value: await fn(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

test('a grid sweep expands with seeds and runs every point locally', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-sweep-'));
  try {
    await writeFile(join(dir, 's.yaml'), sweep);
    const dry = await quiet(() => main(['sweep', join(dir, 's.yaml'), '--dry-run']));
    assert.equal(dry.value, 0);
    assert.equal(dry.out.split('\n').length, 4);
    const r = await quiet(() => main(['sweep', join(dir, 's.yaml'), '--out', join(dir, 'out')]));
    assert.equal(r.value, 0, r.err);
    const rows = (await readFile(join(dir, 'out', 'sweep.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((x) => [x.params['pruning.budget'], x.params.seed]), [[0.5, 1], [0.5, 2], [0.7, 1], [0.7, 2]]);
    for (const x of rows) {
      assert.equal(x.summary.paradigm, 'prune_once');
      assert.ok(x.summary.servingFlopsRatio < 1 - x.params['pruning.budget'] + 0.15, JSON.stringify(x.summary));
      assert.ok(existsSync(join(x.dir, 'report.html')));
    }
    // The larger budget serves a cheaper model (FLOPs include the fixed interaction, so not exactly 1 − budget).
    assert.ok(rows[2].summary.servingFlopsRatio < rows[0].summary.servingFlopsRatio);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('submission mutations are valid against the API schema', async (t) => {
  const path = new URL('../../../api/src/schema.graphql', import.meta.url);
  if (!existsSync(path)) {
    t.skip('apps/api/src/schema.graphql is not there');
    return;
  }
  const schema = buildSchema(await readFile(path, 'utf8'));
  for (const doc of [CREATE_EXPERIMENT, SUBMIT_SWEEP]) assert.deepEqual(validate(schema, parse(doc)).map((e) => e.message), []);
});

test('--api needs a token and a project or experiment', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-sweep-'));
  try {
    await writeFile(join(dir, 's.yaml'), sweep);
    let r = await quiet(() => main(['sweep', join(dir, 's.yaml'), '--api', 'http://127.0.0.1:9/graphql']));
    assert.equal(r.value, 2);
    assert.match(r.err, /needs --token/);
    r = await quiet(() => main(['sweep', join(dir, 's.yaml'), '--api', 'http://127.0.0.1:9/graphql', '--token', 't']));
    assert.equal(r.value, 2);
    assert.match(r.err, /--project ID/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--api to an address where nothing listens: exit 1 with the reason, no stack trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dp-sweep-'));
  try {
    await writeFile(join(dir, 's.yaml'), sweep);
    // A port that was free a moment ago: bound, then released.
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    await new Promise((ok) => server.close(ok));
    const api = `http://127.0.0.1:${port}/graphql`;
    const r = await quiet(() => main(['sweep', join(dir, 's.yaml'), '--api', api, '--token', 't', '--project', 'p']));
    assert.equal(r.value, 1);
    assert.match(r.err, new RegExp(`cannot reach ${api.replace(/[.:/]/g, '\\$&')}: .*ECONNREFUSED`));
    assert.doesNotMatch(r.err, /^\s+at /m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('point directories are named by their parameters', () => {
  assert.equal(pointSlug(3, { 'pruning.budget': 0.75, seed: 2 }), '003-budget=0.75_seed=2');
});
