// One entry point for every source: openStream(config.data, { seed }) → a Stream of windows of typed batches.
import { dataConfig, type DataConfig } from '@driftprune/config';
import type { Stream } from './types.js';
import { DataError } from './errors.js';
import { openSynthetic } from './sources/synthetic/synthetic-stream.js';
import { openCriteo } from './sources/criteo.js';
import { openAvazu } from './sources/avazu.js';
import { openMovielens } from './sources/movielens.js';
import { openCsv } from './sources/csv.js';
import { openClicks } from './sources/clicks.js';
import { causallyStandardized } from './transforms/dense-scaling.js';
import { shuffledWindows } from './transforms/shuffled-windows.js';

export interface OpenStreamOptions {
  /** The experiment seed: the synthetic stream depends on it (default 1). Shuffling is per call: batches({ shuffleSeed }). */
  seed?: number;
  /** Count hash collisions (a few bytes per table row; default true). */
  trackCollisions?: boolean;
}

/**
 * Opens a data stream. `config` is the experiment's `data` section (already validated, or input that
 * dataConfig accepts). File sources check their files here, so a missing path fails now, not mid-run.
 */
export async function openStream(config: DataConfig | Record<string, unknown>, options: OpenStreamOptions = {}): Promise<Stream> {
  const parsed = dataConfig.safeParse(config);
  if (!parsed.success)
    throw new DataError(
      'BAD_OPTIONS',
      `invalid data config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  const c = parsed.data;
  if (c.dataset && !c.path)
    throw new DataError('BAD_OPTIONS', 'data.dataset names a dataset registered on the platform, which only its workers fetch; give data.path to read a file here');
  const o = { seed: options.seed ?? 1, trackCollisions: options.trackCollisions };
  // Shuffled windows: the source's windows (its first maxWindows) in a seeded order, then scaled causally in the
  // order served.
  let stream = await openSource(c, o);
  if (c.shuffleWindows) stream = shuffledWindows(stream, c.shuffleWindows.seed, c.batchSize);
  if (denseScalingOf(c) === 'standardize') stream = causallyStandardized(stream);
  return stream;
}

/** What `auto` means for a source: its own user-given columns (csv) are standardized; built-in features are not. */
export function denseScalingOf(c: DataConfig): 'standardize' | 'none' {
  if (c.denseScaling !== 'auto') return c.denseScaling;
  return c.source === 'csv' ? 'standardize' : 'none';
}

async function openSource(c: DataConfig, o: { seed: number; trackCollisions?: boolean }): Promise<Stream> {
  switch (c.source) {
    case 'synthetic':
      return openSynthetic(c, o);
    case 'criteo':
      return openCriteo(c, o);
    case 'avazu':
      return openAvazu(c, o);
    case 'movielens':
      return openMovielens(c, o);
    case 'csv':
      return openCsv(c, o);
    case 'clicks':
      return openClicks(c, o);
  }
}
