// `driftprune run CONFIG.yaml --out DIR`: one experiment in-process, with a progress bar and a self-contained report.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { experimentConfig, parseConfig, parseConfigPath, parseYamlText, setPath, type ExperimentConfig } from '@driftprune/config';
import { runExperiment, type RunEvent, type RunSummary } from '@driftprune/experiment';
import { parseFlags, UsageError, type Command } from '../command.js';

const usage = `usage: driftprune run CONFIG.yaml --out DIR [options]

Runs one experiment in this process and writes to DIR: summary.json, metrics.jsonl, refreshes.jsonl,
serving.jsonl, models/*.onnx, checkpoint/ and report.html.

options:
  --out DIR           output directory (required)
  --max-windows N     stop after N windows
  --data PATH         set data.path (e.g. the MovieLens directory for the examples/movielens-*.yaml configs)
  --seed N            override the config's seed
  --set KEY=VALUE     override any config field by its dotted path (repeatable; VALUE is read as YAML)
  --resume            continue from DIR/checkpoint when one exists
  --quiet             no progress bar`;

/** Reads a YAML/JSON config, applies overrides, validates it with the shared schema. */
export async function loadExperimentConfig(path: string, overrides: Record<string, unknown> = {}): Promise<ExperimentConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read config file ${path}`);
  }
  let raw = parseYamlText(text, path) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object') throw new UsageError(`${path} must hold a YAML mapping (an experiment config)`);
  for (const [k, v] of Object.entries(overrides)) raw = setPath(raw, k, v);
  return parseConfig(experimentConfig, raw, path);
}

/** `--set a.b=1 --set c=x` (parseFlags keeps the last; the raw argv is scanned for every occurrence). */
export function collectSets(argv: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    let v: string | undefined;
    if (argv[i] === '--set') v = argv[i + 1];
    else if (argv[i].startsWith('--set=')) v = argv[i].slice(6);
    if (v === undefined) continue;
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set needs KEY=VALUE, got '${v}'`);
    const key = v.slice(0, eq);
    parseConfigPath(key); // a ConfigError for `__proto__.x` and other non-paths, before anything is set
    out[key] = parseYamlText(v.slice(eq + 1), `--set ${v}`);
  }
  return out;
}

function fmtDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '--';
  const s = Math.round(sec);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A one-line progress bar on stderr (redrawn in place on a terminal, one line per window otherwise). */
export function progressPrinter(label: string, stream: NodeJS.WriteStream = process.stderr): (e: RunEvent) => void {
  let lastWindow = -1;
  return (e) => {
    if (e.type === 'log') stream.write(`${stream.isTTY ? '\r\x1b[K' : ''}${e.level}: ${e.message}\n`);
    if (e.type === 'refresh') stream.write(`${stream.isTTY ? '\r\x1b[K' : ''}refresh after window ${e.refresh.window} (${e.refresh.trigger}), FLOPs ${(e.refresh.flopsRatio * 100).toFixed(1)} % of dense, Jaccard ${e.refresh.jaccard.toFixed(3)}\n`);
    if (e.type !== 'progress') return;
    const p = e.progress;
    const frac = p.fraction ?? 0;
    const bar = p.fraction === null ? '' : `[${'#'.repeat(Math.round(frac * 24)).padEnd(24, '.')}] ${(frac * 100).toFixed(0).padStart(3)}% `;
    const line = `${label} window ${p.window + 1}${p.windows ? `/${p.windows}` : ''} ${bar}${Math.round(p.samplesPerSec)} samples/s ETA ${fmtDuration(p.etaSec)}`;
    if (stream.isTTY) stream.write(`\r\x1b[K${line}`);
    else if (p.window !== lastWindow && frac > 0 && (p.fraction === null || Number.isInteger(Math.round(frac * 1e9) / 1e9))) {
      stream.write(line + '\n');
      lastWindow = p.window;
    }
  };
}

/** The run summary's warnings (e.g. a dense NE >= 1), one line each on stderr, so that no reader of the output misses them. */
export function printWarnings(summary: RunSummary, prefix = ''): void {
  for (const w of summary.warnings ?? []) console.error(`${prefix}WARNING ${w.code}: ${w.message}`);
}

export const command: Command = {
  name: 'run',
  summary: 'run one experiment in-process (progress bar, summary.json, report.html)',
  usage,
  async run(argv) {
    const { flags, positional } = parseFlags(argv, ['resume', 'quiet']);
    if (positional.length !== 1) throw new UsageError('give exactly one CONFIG.yaml');
    if (typeof flags.out !== 'string') throw new UsageError('--out DIR is required');
    const overrides = collectSets(argv);
    if (typeof flags.data === 'string') overrides['data.path'] = flags.data;
    if (typeof flags.seed === 'string') overrides.seed = Number(flags.seed);
    const config = await loadExperimentConfig(positional[0], overrides);
    let maxWindows: number | undefined;
    if (flags['max-windows'] !== undefined) {
      maxWindows = Number(flags['max-windows']);
      if (!Number.isInteger(maxWindows) || maxWindows <= 0) throw new UsageError('--max-windows must be a positive integer');
    }
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const printer = flags.quiet ? null : progressPrinter(config.name);
    try {
      const reportTitle = `${config.name} (${basename(positional[0])})`;
      const summary = await runExperiment({ config, outDir: flags.out, maxWindows, resume: flags.resume === true, signal: controller.signal, onEvent: (e) => printer?.(e), reportTitle });
      if (process.stderr.isTTY && printer) process.stderr.write('\n');
      console.log(JSON.stringify(summary, null, 2));
      printWarnings(summary);
      console.error(`wrote ${join(flags.out, 'summary.json')} and ${join(flags.out, 'report.html')}`);
      return 0;
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') {
        console.error(`\ncancelled; resume with: driftprune run ${argv.join(' ')} --resume`);
        return 130;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
