// Avazu CTR CSV (Kaggle 2014): id, click, hour (YYMMDDHH), then 21 categorical columns. Sorted by hour, so
// windows by hour or day (or rows:N). Files without a header line use the standard column order.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataConfig } from '@driftprune/config';
import type { Stream } from '../types.js';
import { DataError } from '../errors.js';
import { parseWindowRule } from '../windows/window-rule.js';
import { delimitedStream, type DelimitedMapping } from './delimited.js';

export const AVAZU_COLUMNS =
  'id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,device_id,device_ip,device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21'.split(
    ',',
  );
export const AVAZU_CATEGORICAL = AVAZU_COLUMNS.slice(3);

export const avazuMapping: DelimitedMapping = {
  delimiter: ',',
  header: 'auto',
  defaultColumns: AVAZU_COLUMNS,
  label: 'click',
  time: 'hour',
  timeFormat: 'yymmddhh',
  dense: [],
  categorical: AVAZU_CATEGORICAL,
  logDense: false,
  timeFeatures: true,
};

export async function pathFiles(path: string, pattern: RegExp, what: string): Promise<string[]> {
  let s;
  try {
    s = await stat(path);
  } catch {
    throw new DataError('FILE_NOT_FOUND', `no such file or directory: ${path}`, path);
  }
  if (!s.isDirectory()) return [path];
  const files = (await readdir(path)).filter((n) => pattern.test(n)).sort();
  if (!files.length) throw new DataError('FILE_NOT_FOUND', `no ${what} files in ${path}; pass the data file itself as data.path`, path);
  return files.map((n) => join(path, n));
}

export async function openAvazu(config: DataConfig, options: { seed: number; trackCollisions?: boolean }): Promise<Stream> {
  const files = await pathFiles(config.path!, /^train(\.csv)?(\.gz)?$/, 'train / train.csv');
  const rule = parseWindowRule(config.window);
  if (rule.kind === 'week') throw new DataError('BAD_OPTIONS', 'avazu covers 10 days: use window hour, day or rows:N');
  return delimitedStream(avazuMapping, files, rule, config, options.trackCollisions ?? true);
}
