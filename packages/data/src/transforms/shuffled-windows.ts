// The stationary control of a real stream (data.shuffleWindows; docs/method.md § Stationary controls): the same
// windows with the same rows, presented in a seeded random order instead of time order. Time order is what makes
// drift, so a gap between paradigms that grows because of drift should not grow here.
//
// Any stream works: a first pass reads every window once and spills its rows to a temporary folder (three flat
// files a window: dense, cat, labels), then the windows are served in permuted order, each loaded back into memory
// when it is reached and its files deleted. Memory stays one window; disk holds the stream's rows
// (4·(numDense + numFields + 1) bytes a row) until they are served. The folder is removed when the iteration ends,
// however it ends (the consumer stopping early included).
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stream, Window, WindowInfo } from '../types.js';
import { RowBlock } from '../rows/row-block.js';
import { Rng } from '../random/rng.js';
import { materializedWindow } from '../sources/file-windows.js';

/** Fisher–Yates permutation of 0..n−1 from a seeded generator. */
export function windowOrder(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

const SPILL_BATCH = 1 << 16;
const bytesOf = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function spill(w: Window, dir: string, i: number): Promise<void> {
  const files = await Promise.all(['d', 'c', 'l'].map((k) => open(join(dir, `${i}.${k}`), 'w')));
  try {
    for await (const b of w.batches({ batchSize: SPILL_BATCH })) {
      // The batch's arrays may be reused after the next await: every write completes first.
      await files[0].write(bytesOf(b.dense));
      await files[1].write(bytesOf(b.cat));
      await files[2].write(bytesOf(b.labels));
    }
  } finally {
    await Promise.all(files.map((f) => f.close()));
  }
}

/** A typed array over a file's bytes (copied when the buffer is not 4-byte aligned). */
async function load<T extends Float32Array | Int32Array>(path: string, Kind: new (b: ArrayBuffer, o: number, n: number) => T): Promise<T> {
  const buf = await readFile(path);
  if (buf.byteOffset % 4 === 0) return new Kind(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength / 4);
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Kind(copy.buffer, 0, buf.byteLength / 4);
}

/**
 * `stream`'s windows in the order of `windowOrder(count, seed)`, renumbered 0, 1, … in that order (ids, times and
 * malformed-row counts stay those of the original window).
 */
export function shuffledWindows(stream: Stream, seed: number, batchSize: number, spillRoot = tmpdir()): Stream {
  const D = stream.schema.denseNames.length;
  const F = stream.schema.fieldNames.length;
  return {
    ...stream,
    async *windows() {
      const dir = await mkdtemp(join(spillRoot, 'driftprune-windows-'));
      try {
        const infos: WindowInfo[] = [];
        for await (const w of stream.windows()) {
          await spill(w, dir, infos.length);
          const { batches: _b, ...info } = w;
          infos.push(info);
        }
        const order = windowOrder(infos.length, seed);
        for (let index = 0; index < order.length; index++) {
          const i = order[index];
          const info = infos[i];
          const stem = join(dir, String(i));
          const block = RowBlock.wrap(D, F, info.rows, await load(`${stem}.d`, Float32Array), await load(`${stem}.c`, Int32Array), await load(`${stem}.l`, Float32Array));
          await Promise.all(['d', 'c', 'l'].map((k) => rm(`${stem}.${k}`, { force: true })));
          yield materializedWindow({ ...info, index }, block, batchSize);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
