// `driftprune sweep SWEEP.yaml`: expands a grid or random search (with seeds) and runs it here, or submits it to
// the platform's GraphQL API (`--api URL --token T`).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expandSweep, parseConfig, parseYamlText, experimentConfig, sweepConfig } from '@driftprune/config';
import { runExperiment } from '@driftprune/experiment';
import { parseFlags, UsageError, type Command } from '../command.js';
import { graphql } from '../graphql.js';
import { printWarnings, progressPrinter } from './run.js';

const usage = `usage: driftprune sweep SWEEP.yaml [options]

Expands the sweep (grid or random search, every point once per seed) and either
runs every point here, one after the other, into OUT/NNN-<params>/ (plus OUT/sweep.jsonl), or
submits it to the platform with --api (the worker fleet runs it).

options:
  --out DIR           local output directory (default sweep-out/<sweep name>)
  --max-windows N     stop every run after N windows
  --dry-run           print the expanded points and exit
  --api URL           GraphQL endpoint, e.g. http://localhost:4000/graphql
  --token T           API token (Bearer)
  --project ID        with --api: create an experiment from the sweep's base in this project, then submit
  --experiment ID     with --api: submit against this existing experiment instead; the
                      sweep's base then defaults to that experiment's config`;

/** A readable, filesystem-safe name for a point: its overridden values. */
export function pointSlug(i: number, params: Record<string, unknown>): string {
  const body = Object.entries(params)
    .map(([k, v]) => `${k.split('.').pop()}=${String(v)}`)
    .join('_')
    .replace(/[^A-Za-z0-9_.=-]+/g, '-');
  return `${String(i).padStart(3, '0')}-${body}`.slice(0, 120);
}

export const CREATE_EXPERIMENT = `mutation CreateExperiment($input: CreateExperimentInput!) { createExperiment(input: $input) { id name } }`;
export const SUBMIT_SWEEP = `mutation SubmitSweep($input: SubmitSweepInput!) { submitSweep(input: $input) { id name status total } }`;

export const command: Command = {
  name: 'sweep',
  summary: 'expand a grid/random sweep with seeds; run it here or submit it with --api',
  usage,
  async run(argv) {
    const { flags, positional } = parseFlags(argv, ['dry-run']);
    if (positional.length !== 1) throw new UsageError('give exactly one SWEEP.yaml');
    let text: string;
    try {
      text = await readFile(positional[0], 'utf8');
    } catch {
      throw new UsageError(`cannot read sweep file ${positional[0]}`);
    }
    const raw = parseYamlText(text, positional[0]);
    // Submitted against an existing experiment, a sweep may leave out `base`: the API expands it on that
    // experiment's config, which only the server has. Everything else is still checked here.
    const serverBase =
      flags.api !== undefined && typeof flags.experiment === 'string' && raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('base' in raw);
    const sweep = parseConfig(sweepConfig, serverBase ? { ...(raw as Record<string, unknown>), base: {} } : raw, positional[0]);
    const points = serverBase ? [] : expandSweep(raw);
    if (flags['dry-run']) {
      if (serverBase) throw new UsageError('--dry-run needs the sweep file to have a `base` (without it, only the API knows the experiment config)');
      points.forEach((p, i) => console.log(`${pointSlug(i, p.params)}  ${JSON.stringify(p.params)}`));
      console.error(`${points.length} runs`);
      return 0;
    }
    if (flags.api !== undefined) {
      if (typeof flags.api !== 'string' || typeof flags.token !== 'string') throw new UsageError('--api URL needs --token T');
      let experimentId = typeof flags.experiment === 'string' ? flags.experiment : null;
      if (!experimentId) {
        if (typeof flags.project !== 'string') throw new UsageError('--api needs --project ID (to create the experiment) or --experiment ID');
        const base = parseConfig(experimentConfig, { ...sweep.base, name: (sweep.base as { name?: string }).name ?? sweep.name }, `${positional[0]} base`);
        const created = await graphql<{ createExperiment: { id: string } }>(flags.api, flags.token, CREATE_EXPERIMENT, {
          input: { projectId: flags.project, name: sweep.name, config: base },
        });
        experimentId = created.createExperiment.id;
      }
      const r = await graphql<{ submitSweep: { id: string; name: string; status: string; total: number } }>(flags.api, flags.token, SUBMIT_SWEEP, {
        input: { experimentId, sweep: raw },
      });
      console.log(JSON.stringify({ experimentId, sweep: r.submitSweep }, null, 2));
      return 0;
    }
    const out = typeof flags.out === 'string' ? flags.out : join('sweep-out', sweep.name);
    const maxWindows = flags['max-windows'] !== undefined ? Number(flags['max-windows']) : undefined;
    if (maxWindows !== undefined && !(Number.isInteger(maxWindows) && maxWindows > 0)) throw new UsageError('--max-windows must be a positive integer');
    await mkdir(out, { recursive: true });
    const rows: string[] = [];
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      for (const [i, p] of points.entries()) {
        const dir = join(out, pointSlug(i, p.params));
        console.error(`[${i + 1}/${points.length}] ${JSON.stringify(p.params)} → ${dir}`);
        const reportTitle = `${sweep.name} ${JSON.stringify(p.params)}`;
        const summary = await runExperiment({ config: p.config, outDir: dir, maxWindows, signal: controller.signal, onEvent: progressPrinter(`[${i + 1}/${points.length}]`), reportTitle });
        if (process.stderr.isTTY) process.stderr.write('\n');
        printWarnings(summary, `[${i + 1}/${points.length}] `);
        rows.push(JSON.stringify({ params: p.params, dir, summary }));
        await writeFile(join(out, 'sweep.jsonl'), rows.join('\n') + '\n');
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    console.log(`${points.length} runs; results in ${join(out, 'sweep.jsonl')}`);
    return 0;
  },
};
