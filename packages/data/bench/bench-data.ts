// `npm run bench:data`: how fast the data layer is and how much memory it holds.
//   1. rows/s parsing Criteo-format text (a large file built from the real Criteo head sample), plain and gzip,
//      parser alone and through the whole stream API (windows + batches);
//   2. rows/s of the synthetic generator (first pass, which also counts collisions, and a re-iteration);
//   3. rows/s of the clicks source on the real Globo.com G1 log (../shared/data/globo-g1-clicks), negatives included,
//      and clicks parsed/s with a user subsample (every click still feeds the pool and the counters);
//   4. memory over synthetic streams of two lengths (1M and 5M rows) and a Criteo file stream of two lengths, each
//      in its own child process: peak RSS and heap (sampled), and the live heap after a forced GC at each window end
//      (what the stream holds), to show memory is flat in the stream's length; and the clicks source over 4 days and
//      over the whole log by hour.
// Options: --sections criteo,synthetic,clicks,memory (default all), --click-days N (days of the click log timed,
// default 3), --rows N (Criteo file rows, default 1,000,000), --repeat N (best of N timed runs, default 3: the machine is
// shared, and the best run is the least disturbed one), --quick (smaller sizes), --memory-only, --json (one JSON line
// at the end).
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { openStream } from '../src/open-stream.js';
import { readChunks } from '../src/io/open-file.js';
import { LineSplitter } from '../src/io/lines.js';
import { CriteoParser, CRITEO_FIELDS } from '../src/sources/criteo.js';
import { FieldHasher } from '../src/hash/field-hasher.js';
import type { ParsedRow } from '../src/sources/file-windows.js';
import type { Window } from '../src/types.js';
import { SHARED_DATA } from '../src/testing/shared-data.js';

const args = process.argv.slice(2);
const self = fileURLToPath(import.meta.url);

/** Child mode: stream and report peak memory. */
if (args[0] === '--child') {
  const [, kind, a, b] = args;
  // Sampled, not getrusage's maxRSS: on Linux a spawned child's maxRSS starts from its parent's at fork time.
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
    peakRss = Math.max(peakRss, m.rss);
  };
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  let rows = 0;
  const stream =
    kind === 'synthetic'
      ? await openStream({ source: 'synthetic', window: `rows:${b}`, synthetic: { windows: Number(a) / Number(b) } })
      : kind === 'clicks'
        ? await openStream({ source: 'clicks', path: a, window: 'hour', ...(b === 'all' ? {} : { maxWindows: Number(b) }) })
      : kind === 'criteo-day'
        ? await openStream({ source: 'criteo', path: a, window: 'day' })
        : await openStream({ source: 'criteo', path: a, window: `rows:${b}` });
  // Live memory: after a forced GC at each window's end, what the stream still holds (max over windows).
  let peakLive = 0;
  const gc = (globalThis as { gc?: () => void }).gc!;
  for await (const w of stream.windows()) {
    for await (const batch of w.batches()) {
      rows += batch.size;
      if ((rows & 0x3fff) < batch.size) sample();
    }
    gc();
    const m = process.memoryUsage();
    peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers);
  }
  clearInterval(timer);
  sample();
  const sec = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({ rows, sec, peakRssMiB: peakRss / 2 ** 20, peakHeapMiB: peakHeap / 2 ** 20, liveAfterGcMiB: peakLive / 2 ** 20 }),
  );
  process.exit(0);
}

const quick = args.includes('--quick');
/** Which sections run: --sections criteo,synthetic,memory (default all); --memory-only is --sections memory. */
const sectionsArg = args.indexOf('--sections');
const sections = new Set(
  args.includes('--memory-only') ? ['memory'] : sectionsArg >= 0 ? args[sectionsArg + 1].split(',') : ['criteo', 'synthetic', 'clicks', 'memory'],
);
const json = args.includes('--json');
const repeatArg = args.indexOf('--repeat');
const repeat = repeatArg >= 0 ? Number(args[repeatArg + 1]) : quick ? 1 : 3;
const rowsArg = args.indexOf('--rows');
const criteoRows = rowsArg >= 0 ? Number(args[rowsArg + 1]) : quick ? 200_000 : 1_000_000;
const clickDaysArg = args.indexOf('--click-days');
const clickDays = clickDaysArg >= 0 ? Number(args[clickDaysArg + 1]) : quick ? 1 : 3;
const clicksLog = join(SHARED_DATA, 'globo-g1-clicks');
const log = (s: string) => (json ? process.stderr.write(s + '\n') : console.log(s));
const results: Record<string, unknown> = { criteoRows, repeat, node: process.version, startedAt: new Date().toISOString() };

/** Best (shortest) wall time and best CPU time of `repeat` runs; CPU time counts every thread of the process. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wallSec: number; cpuSec: number }> {
  let best: { value: T; wallSec: number; cpuSec: number } | null = null;
  for (let i = 0; i < repeat; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await fn();
    const c = process.cpuUsage(c0);
    const r = { value, wallSec: (performance.now() - t0) / 1000, cpuSec: (c.user + c.system) / 1e6 };
    best = best ? { value, wallSec: Math.min(best.wallSec, r.wallSec), cpuSec: Math.min(best.cpuSec, r.cpuSec) } : r;
  }
  return best!;
}

// ---- 1. Criteo text ---------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'driftprune-bench-'));
try {
  let sample: Buffer;
  const head = join(SHARED_DATA, 'criteo-kaggle-head', 'train.csv.gz');
  if (existsSync(head)) {
    sample = gunzipSync(readFileSync(head));
    results.criteoSource = 'the real Criteo head sample (../shared/data/criteo-kaggle-head/train.csv.gz), repeated';
  } else {
    // Criteo-shaped lines when the shared data is absent.
    const lines: string[] = [];
    for (let i = 0; i < 7200; i++)
      lines.push(
        [
          i % 4 === 0 ? 1 : 0,
          ...Array.from({ length: 13 }, (_, d) => (i * (d + 3)) % 997 || ''),
          ...Array.from({ length: 26 }, (_, f) => ((i * 2654435761 + f * 40503) >>> 0).toString(16).padStart(8, '0')),
        ].join('\t'),
      );
    sample = Buffer.from(lines.join('\n') + '\n');
    results.criteoSource = 'generated Criteo-format lines (shared data absent)';
  }
  const sampleRows = sample.toString('latin1').split('\n').filter(Boolean).length;
  const file = join(dir, 'criteo.txt');
  const out = createWriteStream(file);
  let written = 0;
  while (written < criteoRows) {
    const take = Math.min(sampleRows, criteoRows - written);
    const chunk =
      take === sampleRows ? sample : Buffer.from(sample.toString('latin1').split('\n').slice(0, take).join('\n') + '\n', 'latin1');
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    written += take;
  }
  await new Promise<void>((r) => out.end(r));
  const bytes = statSync(file).size;
  const gz = join(dir, 'criteo.txt.gz');
  if (sections.has('criteo')) writeFileSync(gz, gzipSync(readFileSync(file), { level: 6 }));
  log(
    `Criteo-format file: ${criteoRows.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB plain` +
      (existsSync(gz) ? `, ${(statSync(gz).size / 2 ** 20).toFixed(0)} MiB gzip` : ''),
  );

  const parseOnly = async (path: string, track = true) => {
    const parser = new CriteoParser(new FieldHasher(CRITEO_FIELDS, new Array(26).fill(100_000), track));
    const row: ParsedRow = { dense: new Float32Array(13), cat: new Int32Array(26), label: 0, time: NaN };
    const lines = new LineSplitter(path);
    let n = 0;
    let bad = 0;
    const on = (buf: Buffer, s: number, e: number) => {
      if (parser.parse(buf, s, e, row) === null) n++;
      else bad++;
    };
    for await (const c of readChunks(path)) lines.push(c, on);
    lines.end(on);
    if (bad) throw new Error(`${bad} bad rows in the benchmark file`);
    return n;
  };
  const viaStream = async (path: string, track = true) => {
    const s = await openStream({ source: 'criteo', path, window: 'rows:100000' }, { trackCollisions: track });
    let n = 0;
    for await (const w of s.windows()) for await (const b of w.batches()) n += b.size;
    return n;
  };
  // Warm-up (JIT), then the timed runs.
  if (sections.has('criteo')) await parseOnly(file);
  for (const [name, fn, path, track] of [
    ['parser, plain text, collisions counted', parseOnly, file, true],
    ['parser, plain text, collisions not counted', parseOnly, file, false],
    ['stream API (rows:100000 windows), plain, counted', viaStream, file, true],
    ['stream API (rows:100000 windows), plain, not counted', viaStream, file, false],
    ['parser, gzip, counted', parseOnly, gz, true],
    ['stream API, gzip, counted', viaStream, gz, true],
  ] as const) {
    if (!sections.has('criteo')) break;
    const r = await timed(() => fn(path, track));
    if (r.value !== criteoRows) throw new Error(`${name}: read ${r.value} rows, expected ${criteoRows}`);
    const perSec = r.value / r.wallSec;
    const perCpuSec = r.value / r.cpuSec;
    log(
      `  ${name.padEnd(56)} ${(perSec / 1e3).toFixed(0).padStart(5)}k rows/s wall, ${(perCpuSec / 1e3).toFixed(0).padStart(5)}k rows/s per CPU-second, ${((path === gz ? bytes : statSync(path).size) / 2 ** 20 / r.wallSec).toFixed(0)} MiB/s of text`,
    );
    results[`criteo: ${name}`] = {
      rowsPerSec: Math.round(perSec),
      rowsPerCpuSec: Math.round(perCpuSec),
      wallSec: +r.wallSec.toFixed(3),
      cpuSec: +r.cpuSec.toFixed(3),
    };
  }

  // ---- 2. Synthetic generator -------------------------------------------------------------------------------
  const synRows = quick ? 200_000 : 1_000_000;
  const synConfig = { source: 'synthetic', window: `rows:${synRows}`, synthetic: { windows: 1 } } as const;
  const readAll = async (w: Window) => {
    let n = 0;
    for await (const b of w.batches()) n += b.size;
    return n;
  };
  const firstWindow = async () => {
    for await (const w of (await openStream(synConfig)).windows()) return w;
    throw new Error('no synthetic window');
  };
  const passes: [string, () => Promise<number>][] = [
    // A fresh stream each time: the first read of a window also counts the collisions of its one-off ids.
    ['first pass (counts collisions)', async () => readAll(await firstWindow())],
  ];
  const again = sections.has('synthetic') ? await firstWindow() : null;
  if (again) {
    await readAll(again);
    passes.push(['re-iteration', () => readAll(again)]);
  }
  for (const [pass, fn] of sections.has('synthetic') ? passes : []) {
    const r = await timed(fn);
    log(
      `  synthetic (26 fields, 13 dense), ${pass.padEnd(31)} ${(r.value / r.wallSec / 1e3).toFixed(0).padStart(5)}k rows/s wall, ${(r.value / r.cpuSec / 1e3).toFixed(0).padStart(5)}k rows/s per CPU-second`,
    );
    results[`synthetic: ${pass}`] = {
      rows: r.value,
      rowsPerSec: Math.round(r.value / r.wallSec),
      rowsPerCpuSec: Math.round(r.value / r.cpuSec),
    };
  }

  // ---- 3. Clicks source (real log) --------------------------------------------------------------------------
  if (sections.has('clicks') && !existsSync(clicksLog)) log(`  clicks: skipped (${clicksLog} is absent)`);
  else if (sections.has('clicks')) {
    const readClicks = async (extra: Record<string, unknown>) => {
      const s = await openStream({ source: 'clicks', path: clicksLog, window: 'day', maxWindows: clickDays, ...extra });
      let rows = 0;
      for await (const w of s.windows()) for await (const b of w.batches()) rows += b.size;
      return { rows, clicks: s.sourceCounts!().clicks };
    };
    await readClicks({ maxWindows: 1 }); // warm-up (JIT)
    for (const [name, extra] of [
      ['4 popularity negatives per click', {}],
      ['4 uniform negatives per click', { clicks: { negatives: { sampling: 'uniform' } } }],
      ['4 popularity negatives, users subsampled 10 %', { clicks: { subsample: { fraction: 0.1 } } }],
    ] as const) {
      const r = await timed(() => readClicks(extra));
      log(
        `  clicks (${clickDays} days by day), ${name.padEnd(45)} ${(r.value.rows / r.wallSec / 1e3).toFixed(0).padStart(5)}k rows/s wall incl. negatives (${r.value.rows.toLocaleString('en-US')} rows), ${(r.value.clicks / r.wallSec / 1e3).toFixed(0).padStart(4)}k clicks/s, ${(r.value.rows / r.cpuSec / 1e3).toFixed(0).padStart(5)}k rows per CPU-second`,
      );
      results[`clicks: ${name}`] = {
        days: clickDays,
        rows: r.value.rows,
        clicks: r.value.clicks,
        rowsPerSec: Math.round(r.value.rows / r.wallSec),
        clicksPerSec: Math.round(r.value.clicks / r.wallSec),
        rowsPerCpuSec: Math.round(r.value.rows / r.cpuSec),
      };
    }
  }

  // ---- 4. Peak memory vs stream length ----------------------------------------------------------------------
  const child = (...a: string[]) => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', ...a], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`child ${a.join(' ')} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      rows: number;
      sec: number;
      peakRssMiB: number;
      peakHeapMiB: number;
      liveAfterGcMiB: number;
    };
  };
  const lengths = !sections.has('memory') ? [] : quick ? [200_000, 1_000_000] : [1_000_000, 5_000_000];
  for (const n of lengths) {
    const r = child('synthetic', String(n), '100000');
    log(
      `  memory, synthetic ${n.toLocaleString('en-US').padStart(9)} rows (100k-row windows): peak RSS ${r.peakRssMiB.toFixed(0)} MiB, peak heap+buffers ${r.peakHeapMiB.toFixed(0)} MiB, live after GC ${r.liveAfterGcMiB.toFixed(1)} MiB (${(r.rows / r.sec / 1e3).toFixed(0)}k rows/s)`,
    );
    results[`memory: synthetic ${n} rows`] = r;
  }
  const half = join(dir, 'criteo-first-fifth.txt');
  if (sections.has('memory')) {
    const all = readFileSync(file);
    writeFileSync(half, all.subarray(0, all.indexOf(10, Math.floor(bytes / 5)) + 1));
  }
  for (const [name, path] of !sections.has('memory')
    ? []
    : ([
        ['first fifth', half],
        ['whole file', file],
      ] as const)) {
    const r = child('criteo', path, '100000');
    log(
      `  memory, criteo ${name.padEnd(11)} ${r.rows.toLocaleString('en-US').padStart(9)} rows (100k-row windows): peak RSS ${r.peakRssMiB.toFixed(0)} MiB, peak heap+buffers ${r.peakHeapMiB.toFixed(0)} MiB, live after GC ${r.liveAfterGcMiB.toFixed(1)} MiB`,
    );
    results[`memory: criteo ${r.rows} rows`] = r;
  }
  if (sections.has('memory')) {
    // The whole file as one day_N window: streamed from disk, never held.
    const days = join(dir, 'days');
    mkdirSync(days);
    linkSync(file, join(days, 'day_0'));
    const r = child('criteo-day', days);
    log(
      `  memory, criteo day_0 as one streamed window ${r.rows.toLocaleString('en-US').padStart(9)} rows: peak RSS ${r.peakRssMiB.toFixed(0)} MiB, peak heap+buffers ${r.peakHeapMiB.toFixed(0)} MiB, live after GC ${r.liveAfterGcMiB.toFixed(1)} MiB (${(r.rows / r.sec / 1e3).toFixed(0)}k rows/s, counting read included)`,
    );
    results[`memory: criteo day_0 streamed, ${r.rows} rows`] = r;
  }
  // The clicks source by hour: 4 days (96 windows) against the whole log. What grows is per user and per article.
  for (const windows of sections.has('memory') && existsSync(clicksLog) ? ['96', 'all'] : []) {
    const r = child('clicks', clicksLog, windows);
    log(
      `  memory, clicks ${windows === 'all' ? 'whole log' : '4 days'} by hour ${r.rows.toLocaleString('en-US').padStart(10)} rows: peak RSS ${r.peakRssMiB.toFixed(0)} MiB, peak heap+buffers ${r.peakHeapMiB.toFixed(0)} MiB, live after GC ${r.liveAfterGcMiB.toFixed(1)} MiB (${(r.rows / r.sec / 1e3).toFixed(0)}k rows/s)`,
    );
    results[`memory: clicks by hour, ${r.rows} rows`] = r;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (json) console.log(JSON.stringify(results));
