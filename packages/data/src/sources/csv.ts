// A generic delimited file described by data.csv: label, time (+ format), dense and categorical columns.
import type { DataConfig } from '@driftprune/config';
import type { Stream } from '../types.js';
import { DataError } from '../errors.js';
import { parseWindowRule } from '../windows/window-rule.js';
import { delimitedStream, type DelimitedMapping } from './delimited.js';
import { pathFiles } from './avazu.js';

export async function openCsv(config: DataConfig, options: { seed: number; trackCollisions?: boolean }): Promise<Stream> {
  const c = config.csv;
  if (!c) throw new DataError('BAD_OPTIONS', 'data.csv (the column mapping) is required for source csv');
  const rule = parseWindowRule(config.window);
  if (rule.kind !== 'rows' && !c.time)
    throw new DataError('BAD_OPTIONS', `window ${config.window} needs data.csv.time (or use window rows:N)`);
  if (c.categorical.length === 0) throw new DataError('BAD_OPTIONS', 'data.csv.categorical must name at least one column');
  const files = await pathFiles(config.path!, /\.(csv|tsv|txt)(\.gz)?$/i, 'csv/tsv/txt');
  const mapping: DelimitedMapping = { ...c, header: c.header ? 'required' : 'none', timeFeatures: false };
  return delimitedStream(mapping, files, rule, config, options.trackCollisions ?? true);
}
