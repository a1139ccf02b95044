// What a platform run reads: its `data` section turned into a local path the data sources may open. A `data.path`
// must resolve inside the data roots; a `data.dataset` is looked up in the run's own project and fetched into the
// worker's cache by hash. Error messages name the path the user gave, never the server's folders.
import type { ExperimentConfig } from '@driftprune/config';
import { DataError } from '@driftprune/data';
import { DataPathError, type DataRoots } from './data-roots.js';

export interface PreparedRunData {
  /** The config to run: data.path is a real local path, data.dataset is gone. */
  config: ExperimentConfig;
  /** Replaces the server paths in a message (a data error from the run) with what the user wrote. */
  redact(message: string): string;
  /** The run no longer reads the data (a cached dataset may be evicted again). */
  release(): void;
}

/** Looks up a ready dataset of a project and makes it a local file; see datasets.ts. */
export interface DatasetSource {
  materialize(projectId: string, datasetId: string, signal?: AbortSignal): Promise<{ path: string; label: string; release(): void }>;
}

export class RunDataResolver {
  constructor(
    private readonly roots: DataRoots,
    private readonly datasets?: DatasetSource,
  ) {}

  async prepare(projectId: string, config: ExperimentConfig, signal?: AbortSignal): Promise<PreparedRunData> {
    const data = config.data;
    const datasetId = (data as { dataset?: string }).dataset;
    if (datasetId) {
      if (!this.datasets) throw new DataPathError('DATA_PATH_INVALID', 'this worker cannot fetch registered datasets');
      const got = await this.datasets.materialize(projectId, datasetId, signal);
      const { dataset: _id, ...rest } = data as typeof data & { dataset?: string };
      return { config: { ...config, data: { ...rest, path: got.path } }, redact: redactor([[got.path, got.label]]), release: got.release };
    }
    if (data.source === 'synthetic' || !data.path) return { config, redact: (m) => m, release: () => {} };
    const real = await this.roots.resolveLocal(data.path);
    return { config: { ...config, data: { ...data, path: real } }, redact: redactor([[real, data.path]]), release: () => {} };
  }
}

function redactor(pairs: [string, string][]): (m: string) => string {
  return (m) => pairs.reduce((acc, [from, to]) => (from && from !== to ? acc.split(from).join(to) : acc), m);
}

/**
 * Whether an error cannot be helped by running again: a path outside the roots, a missing dataset, a hash mismatch,
 * or data the sources reject (a missing file, a bad header, too many malformed rows); not a failed read.
 */
export function isPermanentDataError(e: unknown): boolean {
  if (e instanceof DataError) return e.code !== 'READ_FAILED';
  return e instanceof Error && (e as { permanent?: unknown }).permanent === true;
}
