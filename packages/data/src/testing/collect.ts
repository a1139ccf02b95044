// Test helpers: read a whole stream into plain arrays (small streams only).
import type { Stream, Window, WindowInfo } from '../types.js';

export interface CollectedWindow extends WindowInfo {
  dense: number[];
  cat: number[];
  labels: number[];
}

export async function collectWindow(
  w: Window,
  opts?: { batchSize?: number; shuffleSeed?: number },
): Promise<{ dense: number[]; cat: number[]; labels: number[] }> {
  const dense: number[] = [];
  const cat: number[] = [];
  const labels: number[] = [];
  for await (const b of w.batches(opts)) {
    dense.push(...b.dense);
    cat.push(...b.cat);
    labels.push(...b.labels);
  }
  return { dense, cat, labels };
}

export async function collect(stream: Stream): Promise<CollectedWindow[]> {
  const out: CollectedWindow[] = [];
  for await (const w of stream.windows()) {
    const { batches: _b, ...info } = w;
    out.push({ ...info, ...(await collectWindow(w)) });
  }
  return out;
}

/** Windows' infos only (batches not read). */
export async function windowInfos(stream: Stream): Promise<WindowInfo[]> {
  const out: WindowInfo[] = [];
  for await (const w of stream.windows()) {
    const { batches: _b, ...info } = w;
    out.push(info);
  }
  return out;
}
