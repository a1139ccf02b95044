// `driftprune inspect --source KIND --path PATH [--window RULE] [--json]`: what a data stream holds, window by window
// (rows, label rate, malformed rows, new ids, drift as PSI between consecutive windows) and its hash collisions.
import { dataConfig, parseConfig, parseYamlText, setPath, SOURCE_KINDS } from '@driftprune/config';
import { computeStats, DataError, openStream, type StreamStats, type WindowStats } from '@driftprune/data';
import { parseFlags, UsageError, type Command } from '../command.js';

const usage = `usage: driftprune inspect --source KIND [--path PATH] [options]

Reads a data stream once and prints one line per window: rows, label rate, malformed rows, the share of rows with
ids never seen before, and the drift score (mean PSI of the categorical fields against the previous window;
< 0.1 stable, 0.1-0.25 moderate, > 0.25 large), then hash-collision counts per field.

options:
  --source KIND             ${SOURCE_KINDS.join(' | ')}
  --path PATH               file or directory (every source but synthetic)
  --window RULE             day | week | hour | rows:N (default: rows:100000 for criteo, day otherwise)
  --json                    print one JSON object as the last line of stdout instead of the table
  --hash-size N             rows per categorical table (default 100000)
  --max-windows N           stop after N windows
  --max-rows-per-window N   read at most N rows of each window
  --positive-rating X       MovieLens: a rating >= X is a positive label (default 4)
  --error-budget X          fraction of malformed rows tolerated (default 0.001)
  --seed N                  synthetic data seed (default 1)
  --csv JSON                csv: the column mapping, e.g. '{"label":"y","time":"ts","categorical":["a","b"]}'
                            clicks: negatives and subsampling by --set, e.g. --set clicks.negatives.perClick=8
                            --set clicks.subsample.fraction=0.1 (docs: packages/data/README.md)
  --set KEY=VALUE           any data.* option by its path, e.g. --set synthetic.driftStd=0.3 (repeatable)
  --top-k N                 ids per field in the PSI bins (default 20)`;

function num(flags: Record<string, string | true>, key: string): number | undefined {
  const v = flags[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isFinite(n)) throw new UsageError(`--${key} needs a number`);
  return n;
}

/** The data config from the flags, validated with the shared schema. */
export function inspectDataConfig(argv: string[]) {
  const { flags, positional } = parseFlags(argv, ['json']);
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const known = new Set([
    'source',
    'path',
    'window',
    'json',
    'hash-size',
    'max-windows',
    'max-rows-per-window',
    'positive-rating',
    'error-budget',
    'seed',
    'csv',
    'set',
    'top-k',
  ]);
  for (const k of Object.keys(flags)) if (!known.has(k)) throw new UsageError(`unknown option --${k}`);
  const source = flags.source;
  if (typeof source !== 'string') throw new UsageError('--source is required');
  let raw: Record<string, unknown> = { source };
  if (typeof flags.path === 'string') raw.path = flags.path;
  raw.window = typeof flags.window === 'string' ? flags.window : source === 'criteo' ? 'rows:100000' : 'day';
  const numbers: [string, string][] = [
    ['hash-size', 'hashSize'],
    ['max-windows', 'maxWindows'],
    ['max-rows-per-window', 'maxRowsPerWindow'],
    ['positive-rating', 'positiveRating'],
    ['error-budget', 'errorBudget'],
  ];
  for (const [flag, key] of numbers) {
    const v = num(flags, flag);
    if (v !== undefined) raw[key] = v;
  }
  if (typeof flags.csv === 'string') raw.csv = parseYamlText(flags.csv, '--csv');
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i] === '--set' ? argv[i + 1] : argv[i].startsWith('--set=') ? argv[i].slice(6) : undefined;
    if (v === undefined) continue;
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set needs KEY=VALUE, got '${v}'`);
    raw = setPath(raw, v.slice(0, eq).replace(/^data\./, ''), parseYamlText(v.slice(eq + 1), `--set ${v}`));
  }
  return {
    data: parseConfig(dataConfig, raw, 'data options'),
    json: flags.json === true,
    seed: num(flags, 'seed') ?? 1,
    topK: num(flags, 'top-k') ?? 20,
  };
}

const pct = (x: number) => (100 * x).toFixed(1);
const fix = (x: number | null, d = 3) => (x === null ? '-' : x.toFixed(d));

function when(w: WindowStats, rows: boolean): string {
  if (rows) return `rows ${w.start}-${w.end}`;
  return new Date(w.start).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatTable(stats: StreamStats, header: string, rowsRule: boolean): string {
  const lines = [header, ''];
  const head = ['#', 'window', 'from', 'rows', 'label', 'bad', 'new-id %', 'psi', 'dense psi'];
  const body = stats.windows.map((w) => [
    String(w.index),
    w.id,
    when(w, rowsRule),
    String(w.rows),
    w.labelRate.toFixed(3),
    String(w.badRows),
    pct(w.newIdRowShare),
    fix(w.psi),
    fix(w.densePsi),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 1 || i === 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(fmt(head), ...body.map(fmt), '');
  const t = stats.totals;
  lines.push(
    `${t.windows} windows, ${t.rows.toLocaleString('en-US')} rows, label rate ${t.labelRate.toFixed(3)}, ${t.badRows} malformed rows`,
  );
  if (stats.sourceCounts)
    lines.push(`source counts: ${Object.entries(stats.sourceCounts).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}`);
  const bad = stats.windows.flatMap((w) => w.badRowSamples).slice(0, 5);
  for (const b of bad) lines.push(`  malformed: ${b.file}:${b.line}: ${b.reason}`);
  if (stats.hashing?.length) {
    lines.push('', 'hash collisions (buckets shared by distinct values):');
    const hh = ['field', 'table', 'buckets used', 'colliding buckets', 'collided lookups %'];
    const hb = stats.hashing.map((h) => [
      h.field,
      String(h.tableSize),
      h.tracked ? String(h.bucketsUsed) : 'untracked',
      h.tracked ? String(h.collidingBuckets) : '-',
      h.tracked && h.lookups ? pct(h.collidedLookups / h.lookups) : '-',
    ]);
    const hw = hh.map((h, i) => Math.max(h.length, ...hb.map((r) => r[i].length)));
    const hf = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(hw[i]) : c.padStart(hw[i]))).join('  ');
    lines.push(hf(hh), ...hb.map(hf));
  }
  return lines.join('\n');
}

export const command: Command = {
  name: 'inspect',
  summary: 'show a data stream window by window: rows, label rate, new ids, drift (PSI), collisions',
  usage,
  async run(argv) {
    const { data, json, seed, topK } = inspectDataConfig(argv);
    const t0 = performance.now();
    let lastProgress = t0;
    let rowsRead = 0;
    let stats: StreamStats;
    try {
      const stream = await openStream(data, { seed });
      stats = await computeStats(stream, {
        topK,
        onWindow: (w) => {
          rowsRead += w.rows;
          const now = performance.now();
          // Long inspections show progress on stderr (stdout stays the table or the JSON line).
          if (now - lastProgress > 2000) {
            process.stderr.write(
              `inspect: ${w.index + 1} windows, ${rowsRead.toLocaleString('en-US')} rows read (${((now - t0) / 1000).toFixed(0)} s)\n`,
            );
            lastProgress = now;
          }
        },
      });
    } catch (e) {
      if (e instanceof DataError) {
        console.error(`driftprune inspect: ${e.code}: ${e.message}`);
        return 2;
      }
      throw e;
    }
    const elapsedMs = Math.round(performance.now() - t0);
    const rowsRule = data.window.startsWith('rows:');
    if (json) {
      console.log(
        JSON.stringify({
          source: data.source,
          path: data.path ?? null,
          window: data.window,
          /** start/end are ms since the epoch for time windows, row indices for rows:N. */
          timeUnit: rowsRule ? 'row' : 'ms',
          schema: stats.schema,
          windows: stats.windows,
          totals: stats.totals,
          hashing: stats.hashing ?? null,
          sourceCounts: stats.sourceCounts ?? null,
          elapsedMs,
        }),
      );
    } else {
      const header = `source ${data.source}${data.path ? `  path ${data.path}` : ''}  window ${data.window}  (${(elapsedMs / 1000).toFixed(1)} s)`;
      console.log(formatTable(stats, header, rowsRule));
    }
    return 0;
  },
};
