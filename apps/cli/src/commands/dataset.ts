// `driftprune dataset push FILE --project P`: uploads a data file into the platform's store as a dataset (streamed
// in chunks, resumed where it stopped after a broken connection or a second run of the same command, checked by
// sha256 on the server); `dataset list` shows a project's datasets.
import { readFile, stat } from 'node:fs/promises';
import { parseYamlText } from '@driftprune/config';
import { pushDataset, UploadClientError } from '@driftprune/datasets';
import { CommandError, parseFlags, UsageError, type Command } from '../command.js';
import { graphql } from '../graphql.js';

const usage = `usage: driftprune dataset push FILE --project ID --kind csv|criteo|avazu [options]
       driftprune dataset list --project ID

push uploads FILE (plain or gzip) as a dataset of the project: in chunks, each
resumable; run the same command again to resume an interrupted upload. The
server checks the sha256, reads the file once for its stats, and stores it; runs
then use it with data.dataset: <id>.

options:
  --api URL           GraphQL endpoint (default http://127.0.0.1:4000/graphql)
  --token T           API token
  --project ID        the project
  --name NAME         dataset name (default: the file name)
  --kind K            csv, criteo or avazu
  --mapping M         csv column mapping: JSON text or a YAML/JSON file
                      (label, time, timeFormat, dense, categorical, delimiter, header)
  --stats-window W    window rule of the stats: day, week, hour or rows:N
  --chunk-mb N        chunk size in MiB (default 8)`;

const LIST = `query Datasets($p: ID!) { datasets(projectId: $p) { id name kind status sizeBytes sha256 stats } }`;

interface ListedDataset {
  id: string;
  name: string;
  kind: string;
  status: string;
  sha256: string | null;
  sizeBytes: number | null;
  stats: { totals?: { rows?: number; windows?: number } } | null;
}

async function mappingFlag(v: string | true | undefined): Promise<unknown> {
  if (typeof v !== 'string') return undefined;
  const text = v.trim().startsWith('{') ? v : await readFile(v, 'utf8').catch(() => {
    throw new UsageError(`--mapping: not JSON and no such file: ${v}`);
  });
  return parseYamlText(text, '--mapping');
}

export const command: Command = {
  name: 'dataset',
  summary: 'push a data file to the platform as a dataset (resumable, sha256-checked); list datasets',
  usage,
  async run(argv) {
    const { flags, positional } = parseFlags(argv);
    const [sub, file] = positional;
    const api = typeof flags.api === 'string' ? flags.api : 'http://127.0.0.1:4000/graphql';
    const token = flags.token;
    if (typeof token !== 'string') throw new UsageError('give --token T');
    if (typeof flags.project !== 'string') throw new UsageError('give --project ID');
    if (sub === 'list') {
      const r = await graphql<{ datasets: ListedDataset[] }>(api, token, LIST, { p: flags.project });
      for (const d of r.datasets)
        console.log(`${d.id}  ${d.name}  ${d.kind}  ${d.status}  ${d.sizeBytes ?? '-'} bytes  ${d.stats?.totals?.rows ?? '-'} rows  ${d.stats?.totals?.windows ?? '-'} windows  ${d.sha256 ?? ''}`);
      return 0;
    }
    if (sub !== 'push' || !file || positional.length !== 2) throw new UsageError('give push FILE or list');
    if (typeof flags.kind !== 'string') throw new UsageError('give --kind csv|criteo|avazu');
    const chunkMb = flags['chunk-mb'] !== undefined ? Number(flags['chunk-mb']) : 8;
    if (!(chunkMb > 0 && chunkMb <= 1024)) throw new UsageError('--chunk-mb must be in (0, 1024]');
    try {
      await stat(file);
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
    const d = await pushDataset({
      api,
      token,
      projectId: flags.project,
      file,
      name: typeof flags.name === 'string' ? flags.name : undefined,
      kind: flags.kind,
      mapping: await mappingFlag(flags.mapping),
      statsWindow: typeof flags['stats-window'] === 'string' ? flags['stats-window'] : undefined,
      chunkBytes: Math.round(chunkMb * 2 ** 20),
      log: (m) => console.error(`dataset push: ${m}`),
    }).catch((e: unknown) => {
      throw e instanceof UploadClientError ? new CommandError(e.message) : e;
    });
    console.log(JSON.stringify({ id: d.id, name: d.name, kind: d.kind, status: d.status, sha256: d.sha256, sizeBytes: d.sizeBytes, rows: d.stats?.totals?.rows ?? null, windows: d.stats?.totals?.windows ?? null }, null, 2));
    return 0;
  },
};
