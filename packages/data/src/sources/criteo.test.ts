import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { openStream } from '../open-stream.js';
import { DataError } from '../errors.js';
import { murmur3String } from '../hash/murmur3.js';
import { fieldSeed } from '../hash/field-hasher.js';
import { collect, collectWindow } from '../testing/collect.js';
import type { Window } from '../types.js';
import { shared, skipUnlessShared } from '../testing/shared-data.js';

const skip = skipUnlessShared('criteo-kaggle-head');
const tmp = mkdtempSync(join(tmpdir(), 'driftprune-criteo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('criteo head (gzip): 7,200 rows, CTR 21.5 %, rows:N windows', { skip }, async () => {
  const s = await openStream({ source: 'criteo', path: shared('criteo-kaggle-head', 'train.csv.gz'), window: 'rows:1000', hashSize: 1000 });
  assert.deepEqual(s.schema.denseNames.length, 13);
  assert.deepEqual(s.schema.fieldNames.length, 26);
  const ws = await collect(s);
  assert.deepEqual(
    ws.map((w) => w.rows),
    [1000, 1000, 1000, 1000, 1000, 1000, 1000, 200],
  );
  assert.deepEqual(
    ws.map((w) => w.id),
    ['rows-0', 'rows-1', 'rows-2', 'rows-3', 'rows-4', 'rows-5', 'rows-6', 'rows-7'],
  );
  assert.deepEqual([ws[1].start, ws[1].end], [1000, 2000]);
  const labels = ws.flatMap((w) => w.labels);
  assert.equal(labels.filter((y) => y === 1).length / labels.length, 1549 / 7200);
  assert.ok(ws.every((w) => w.cat.every((c) => c >= 0 && c < 1000)));
  assert.ok(ws.every((w) => w.badRows === 0));
  // The directory works too (its train.csv.gz is the Criteo TSV).
  const dir = await openStream({ source: 'criteo', path: shared('criteo-kaggle-head'), window: 'rows:5000', hashSize: 1000 });
  assert.deepEqual(
    (await collect(dir)).map((w) => w.rows),
    [5000, 2200],
  );
  const hashing = s.hashCollisions!();
  assert.equal(hashing.length, 26);
  assert.ok(hashing.every((h) => h.lookups === 7200));
});

test(
  'criteo: the first row is parsed as specified (log(1 + x), negatives and missing → 0, tokens hashed per field)',
  { skip },
  async () => {
    const first = readFileSync(shared('criteo-kaggle-head', 'dev.csv'), 'latin1').split('\n')[0];
    const f = join(tmp, 'one.txt');
    writeFileSync(f, first + '\n');
    const [w] = await collect(await openStream({ source: 'criteo', path: f, window: 'rows:10', hashSize: 100_000 }));
    const cols = first.split('\t');
    assert.equal(w.labels[0], Number(cols[0]));
    const expectDense = cols.slice(1, 14).map((v) => (v === '' || Number(v) <= 0 ? 0 : Math.log1p(Number(v))));
    w.dense.forEach((x, i) => assert.ok(Math.abs(x - expectDense[i]) < 1e-6, `I${i + 1}`));
    const expectCat = cols.slice(14, 40).map((tok, i) => murmur3String(tok, fieldSeed(`C${i + 1}`)) % 100_000);
    assert.deepEqual(w.cat, expectCat);
  },
);

test('criteo: plain and gzip files give the same batches; re-iterating a window gives the same batches', { skip }, async () => {
  const text = readFileSync(shared('criteo-kaggle-head', 'dev.csv'));
  const gz = join(tmp, 'dev.txt.gz');
  writeFileSync(gz, gzipSync(text));
  const a = await collect(await openStream({ source: 'criteo', path: shared('criteo-kaggle-head', 'dev.csv'), window: 'rows:100' }));
  const b = await collect(await openStream({ source: 'criteo', path: gz, window: 'rows:100' }));
  assert.deepEqual(a, b);
  assert.equal(
    a.reduce((s, w) => s + w.rows, 0),
    409,
  );
  const s = await openStream({ source: 'criteo', path: gz, window: 'rows:1000', batchSize: 64 });
  for await (const w of s.windows()) {
    const first = await collectWindow(w);
    assert.deepEqual(await collectWindow(w), first);
    // Shuffled: the same rows in another order.
    const sh = await collectWindow(w, { shuffleSeed: 3 });
    assert.notDeepEqual(sh.labels, first.labels);
    assert.deepEqual([...sh.labels].sort(), [...first.labels].sort());
    assert.deepEqual(await collectWindow(w, { shuffleSeed: 3 }), sh);
  }
});

test('criteo: a directory of day_N files gives one window per day with window day', async () => {
  const dir = join(tmp, 'days');
  mkdirSync(dir, { recursive: true });
  const row = (y: number, tok: string) => [y, ...Array(13).fill('1'), ...Array(26).fill(tok)].join('\t');
  writeFileSync(join(dir, 'day_0'), [row(1, 'a'), row(0, 'b')].join('\n') + '\n');
  writeFileSync(join(dir, 'day_1.gz'), gzipSync([row(0, 'c'), row(0, 'd'), row(1, 'e')].join('\n')));
  writeFileSync(join(dir, 'day_10'), row(1, 'f') + '\n');
  const ws = await collect(await openStream({ source: 'criteo', path: dir, window: 'day' }));
  assert.deepEqual(
    ws.map((w) => [w.id, w.rows]),
    [
      ['day_0', 2],
      ['day_1', 3],
      ['day_10', 1],
    ],
  );
  assert.equal(ws[1].start, 86_400_000);
  const byRows = await collect(await openStream({ source: 'criteo', path: dir, window: 'rows:4' }));
  assert.deepEqual(
    byRows.map((w) => w.rows),
    [4, 2],
  );
  await assert.rejects(openStream({ source: 'criteo', path: join(dir, 'day_0'), window: 'hour' }), /criteo rows have no timestamps/);
});

test('criteo: window boundaries — rows:N windows partition the rows in order, maxRowsPerWindow and maxWindows cap them', async () => {
  const f = join(tmp, 'n.txt');
  const lines = Array.from({ length: 97 }, (_, i) => [i % 2, String(i), ...Array(12).fill(''), ...Array(26).fill('x')].join('\t'));
  writeFileSync(f, lines.join('\n'));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 120 }), fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }), async (n, cap) => {
      const ws = await collect(await openStream({ source: 'criteo', path: f, window: `rows:${n}`, maxRowsPerWindow: cap, batchSize: 7 }));
      assert.equal(ws.length, Math.ceil(97 / n));
      ws.forEach((w, k) => {
        assert.equal(w.index, k);
        assert.equal(w.start, k * n);
        const full = Math.min(n, 97 - k * n);
        assert.equal(w.rows, Math.min(full, cap ?? Infinity));
        // I1 holds the row number: the window holds rows k·n, k·n + 1, … in order.
        assert.deepEqual(
          w.dense.filter((_, i) => i % 13 === 0),
          Array.from({ length: w.rows }, (_, i) => Math.fround(Math.log1p(k * n + i))),
        );
      });
    }),
    { numRuns: 40 },
  );
  const two = await collect(await openStream({ source: 'criteo', path: f, window: 'rows:10', maxWindows: 2 }));
  assert.equal(two.length, 2);
});

function criteoLines(n: number, bad: Map<number, string>): string {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(bad.get(i) ?? [i % 3 === 0 ? 1 : 0, ...Array(13).fill('2'), ...Array(26).fill('ab')].join('\t'));
  return out.join('\n') + '\n';
}

test('criteo: malformed rows are counted per window with examples; within the budget the stream goes on', async () => {
  const f = join(tmp, 'some-bad.txt');
  const bad = new Map([
    [5, '1\t2\t3'],
    [15_000, ['x', ...Array(39).fill('1')].join('\t')],
  ]);
  writeFileSync(f, criteoLines(20_000, bad));
  const ws = await collect(await openStream({ source: 'criteo', path: f, window: 'rows:10000' }));
  assert.deepEqual(
    ws.map((w) => [w.rows, w.badRows]),
    [
      [10_000, 1],
      [9_998, 1],
    ],
  );
  assert.deepEqual(ws[0].badRowSamples, [{ file: f, line: 5, reason: 'expected 40 tab-separated fields, found 3' }]);
  assert.deepEqual(ws[1].badRowSamples, [{ file: f, line: 15_000, reason: 'label must be 0 or 1' }]);
});

test('criteo: beyond the error budget the stream fails naming file, line and reason', async () => {
  const f = join(tmp, 'many-bad.txt');
  const bad = new Map<number, string>();
  for (let i = 100; i <= 20_000; i += 100) bad.set(i, ['0', 'x1', ...Array(38).fill('')].join('\t'));
  writeFileSync(f, criteoLines(20_000, bad));
  await assert.rejects(collect(await openStream({ source: 'criteo', path: f, window: 'rows:5000' })), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.code, 'ERROR_BUDGET_EXCEEDED');
    assert.equal(e.file, f);
    assert.match(e.message, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: I1: not an integer`));
    assert.match(e.message, /exceed data\.errorBudget \(0\.100%\)/);
    return true;
  });
  // A larger budget tolerates them.
  const ws = await collect(await openStream({ source: 'criteo', path: f, window: 'rows:5000', errorBudget: 0.02 }));
  assert.equal(
    ws.reduce((s, w) => s + w.badRows, 0),
    200,
  );
});

test('criteo: missing, empty, mis-named and otherwise-compressed files give clear errors', async () => {
  const code = (c: string) => (e: unknown) => e instanceof DataError && e.code === c;
  await assert.rejects(openStream({ source: 'criteo', path: join(tmp, 'nope.txt'), window: 'rows:10' }), code('FILE_NOT_FOUND'));
  const empty = join(tmp, 'empty.txt');
  writeFileSync(empty, '');
  await assert.rejects(collect(await openStream({ source: 'criteo', path: empty, window: 'rows:10' })), code('EMPTY_FILE'));
  const zst = join(tmp, 'x.txt');
  writeFileSync(zst, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4]));
  await assert.rejects(
    collect(await openStream({ source: 'criteo', path: zst, window: 'rows:10' })),
    (e: unknown) => code('UNSUPPORTED_COMPRESSION')(e) && /zstd/.test((e as Error).message),
  );
  const fakeGz = join(tmp, 'fake.gz');
  writeFileSync(fakeGz, 'hello\n');
  await assert.rejects(collect(await openStream({ source: 'criteo', path: fakeGz, window: 'rows:10' })), code('CORRUPT_COMPRESSION'));
  const truncated = join(tmp, 'trunc.gz');
  writeFileSync(truncated, gzipSync(criteoLines(2000, new Map())).subarray(0, 500));
  await assert.rejects(collect(await openStream({ source: 'criteo', path: truncated, window: 'rows:10' })), code('CORRUPT_COMPRESSION'));
  const emptyGz = join(tmp, 'empty.gz');
  writeFileSync(emptyGz, gzipSync(Buffer.alloc(0)));
  await assert.rejects(collect(await openStream({ source: 'criteo', path: emptyGz, window: 'rows:10' })), code('EMPTY_FILE'));
});

test('criteo: the one-pass parser agrees with the field-by-field parser on any line (values, buckets, reasons)', async () => {
  const { CriteoParser } = await import('./criteo.js');
  const { FieldHasher } = await import('../hash/field-hasher.js');
  const names = Array.from({ length: 26 }, (_, i) => `C${i + 1}`);
  const fast = new CriteoParser(new FieldHasher(names, new Array(26).fill(1009), false));
  const careful = new CriteoParser(new FieldHasher(names, new Array(26).fill(1009), false));
  const token = fc.string({ unit: fc.constantFrom('0', '7', 'a', 'f', '-', 'x', ' ', 'é'), maxLength: 12 });
  // Mostly valid lines (so both the fast path and every kind of error are exercised).
  const intField = fc.oneof(
    { arbitrary: fc.constant(''), weight: 3 },
    { arbitrary: fc.integer({ min: -5, max: 100_000 }).map(String), weight: 30 },
    { arbitrary: token, weight: 1 },
  );
  const label = fc.oneof({ arbitrary: fc.constantFrom('0', '1'), weight: 10 }, { arbitrary: fc.constantFrom('2', '', '01'), weight: 1 });
  const extraFields = fc.oneof({ arbitrary: fc.constant(0), weight: 10 }, { arbitrary: fc.integer({ min: -2, max: 2 }), weight: 1 });
  let valid = 0;
  const line = fc
    .tuple(label, fc.array(intField, { minLength: 13, maxLength: 13 }), fc.array(token, { minLength: 26, maxLength: 26 }), extraFields)
    .map(([label, ints, toks, extra]) => {
      const fields = [label, ...ints, ...toks];
      if (extra < 0) fields.splice(extra);
      if (extra > 0) fields.push(...Array(extra).fill('z'));
      return fields.join('\t');
    });
  fc.assert(
    fc.property(line, fc.uint8Array({ maxLength: 3 }), (text, pad) => {
      const body = Buffer.from(text);
      // Bytes around the line must not matter.
      const buf = Buffer.concat([Buffer.from(pad), body, Buffer.from('\t1\n')]);
      const s = pad.length;
      const e = s + body.length;
      const a = { dense: new Float32Array(13), cat: new Int32Array(26), label: -1, time: 0 };
      const b = { dense: new Float32Array(13), cat: new Int32Array(26), label: -1, time: 0 };
      const ra = fast.parse(buf, s, e, a);
      const rb = careful.parseCareful(buf, s, e, b);
      assert.equal(ra, rb, text);
      if (ra === null) {
        valid++;
        assert.deepEqual(a, b);
      }
    }),
    { numRuns: 3000 },
  );
  assert.ok(valid > 300 && valid < 2700, `${valid} of 3000 lines valid: both paths must be exercised`);
});

test('criteo day_N windows are streamed from disk: counted once, re-readable, any batch size, shuffled on request', async () => {
  const dir = join(tmp, 'stream-days');
  mkdirSync(dir, { recursive: true });
  // I1 holds the row number, so rows can be told apart.
  const line = (i: number) => [i % 2, i, ...Array(12).fill(''), ...Array(26).fill(`t${i % 97}`)].join('\t');
  const day0 = Array.from({ length: 2500 }, (_, i) => line(i));
  day0.splice(1000, 0, 'broken line');
  writeFileSync(join(dir, 'day_0'), day0.join('\n') + '\n');
  writeFileSync(join(dir, 'day_1.gz'), gzipSync(Array.from({ length: 1200 }, (_, i) => line(10_000 + i)).join('\n')));
  const s = await openStream({ source: 'criteo', path: dir, window: 'day', batchSize: 128, errorBudget: 0.01 });
  const windows: Window[] = [];
  for await (const w of s.windows()) windows.push(w);
  assert.deepEqual(
    windows.map((w) => [w.id, w.rows, w.badRows]),
    [
      ['day_0', 2500, 1],
      ['day_1', 1200, 0],
    ],
  );
  assert.deepEqual(windows[0].badRowSamples, [
    { file: join(dir, 'day_0'), line: 1001, reason: 'expected 40 tab-separated fields, found 1' },
  ]);
  const ids = (x: { dense: number[] }) => x.dense.filter((_, i) => i % 13 === 0).map((v) => Math.round(Math.expm1(v)));
  const a = await collectWindow(windows[0]);
  assert.deepEqual(
    ids(a),
    Array.from({ length: 2500 }, (_, i) => i),
  );
  assert.deepEqual(await collectWindow(windows[0]), a, 're-read');
  assert.deepEqual(await collectWindow(windows[0], { batchSize: 7 }), a, 'other batch size');
  const sh = await collectWindow(windows[0], { shuffleSeed: 5 });
  assert.notDeepEqual(ids(sh), ids(a));
  assert.deepEqual(
    ids(sh).sort((x, y) => x - y),
    ids(a),
  );
  assert.deepEqual(await collectWindow(windows[0], { shuffleSeed: 5 }), sh);
  assert.deepEqual(
    ids(await collectWindow(windows[1])),
    Array.from({ length: 1200 }, (_, i) => 10_000 + i),
  );
  // Collisions were counted by the first read of each file only.
  assert.ok(s.hashCollisions!().every((c) => c.lookups === 3700));
  const capped = await openStream({ source: 'criteo', path: dir, window: 'day', maxRowsPerWindow: 300, errorBudget: 0.01 });
  const firsts: number[][] = [];
  for await (const w of capped.windows()) firsts.push(ids(await collectWindow(w, { shuffleSeed: 1 })).sort((x, y) => x - y));
  assert.deepEqual(firsts, [Array.from({ length: 300 }, (_, i) => i), Array.from({ length: 300 }, (_, i) => 10_000 + i)]);
});

test('streamed windows larger than the shuffle buffer are still shuffled into a permutation of their rows', async () => {
  const { streamedFileWindow } = await import('./streamed-window.js');
  const { CriteoParser } = await import('./criteo.js');
  const { FieldHasher } = await import('../hash/field-hasher.js');
  const f = join(tmp, 'day_big');
  writeFileSync(f, Array.from({ length: 1000 }, (_, i) => [i % 2, i, ...Array(12).fill(''), ...Array(26).fill('x')].join('\t')).join('\n'));
  const parser = new CriteoParser(
    new FieldHasher(
      Array.from({ length: 26 }, (_, i) => `C${i + 1}`),
      new Array(26).fill(10),
      false,
    ),
  );
  const spec = {
    file: f,
    parser,
    replayParser: parser,
    numDense: 13,
    numFields: 26,
    maxRows: Infinity,
    batchSize: 64,
    shuffleBufferRows: 100,
  };
  const w = streamedFileWindow({ index: 0, id: 'day_big', start: 0, end: 1, rows: 1000, badRows: 0, badRowSamples: [] }, spec);
  const ids = (x: { dense: number[] }) => x.dense.filter((_, i) => i % 13 === 0).map((v) => Math.round(Math.expm1(v)));
  const sh = ids(await collectWindow(w, { shuffleSeed: 9 }));
  assert.deepEqual(
    [...sh].sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual(ids(await collectWindow(w, { shuffleSeed: 9 })), sh);
  assert.ok(sh.filter((x, i) => x === i).length < 50, 'rows moved');
});
