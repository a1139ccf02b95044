// The form's value is the raw config input (what a YAML file would hold); validation is the shared schema's own.
import { ConfigError, expandSweep, experimentConfig, formatIssues, paradigmConfig, type SweepPoint } from '@driftprune/config';

export type Issues = Record<string, string[]>;

export function issuesByPath(list: readonly { path: string; message: string }[]): Issues {
  const out: Issues = {};
  for (const i of list) (out[i.path] ??= []).push(i.message);
  return out;
}

/** Validates an experiment config exactly as the API and the worker do. */
export function validateExperiment(raw: unknown): { ok: true; config: ReturnType<typeof experimentConfig.parse> } | { ok: false; issues: Issues } {
  const r = experimentConfig.safeParse(raw);
  return r.success ? { ok: true, config: r.data } : { ok: false, issues: issuesByPath(formatIssues(r.error)) };
}

/**
 * A valid starting point that finishes in about a minute on one CPU core: a small DLRM on 12 windows of the synthetic
 * stream, adaptive D2S at a 75 % budget. Every other field is the schema's default; scale up from here.
 */
export function initialExperiment(): Record<string, unknown> {
  const c = experimentConfig.parse({
    name: 'experiment',
    data: {
      source: 'synthetic',
      window: 'rows:4000',
      hashSize: 2_000,
      synthetic: { windows: 12, rowsPerWindow: 4_000, numFields: 8, vocabPerField: 500 },
    },
    model: { embeddingDim: 8, bottomMlp: [64, 32], topMlp: [64, 32] },
    paradigm: { kind: 'adaptive_d2s' },
    pruning: { budget: 0.75 },
  });
  return structuredClone(c) as Record<string, unknown>;
}

/** The defaults of one paradigm, used when the kind changes (options of the old kind do not carry over). */
export function paradigmDefaults(kind: string, warmupWindows?: number): Record<string, unknown> {
  const r = paradigmConfig.safeParse({ kind, ...(warmupWindows !== undefined ? { warmupWindows } : {}) });
  return r.success ? (r.data as Record<string, unknown>) : { kind };
}

/** Expands a sweep for a preview: the number of runs, or every problem (a bad point names its parameters). */
export function previewSweep(raw: unknown): { ok: true; points: SweepPoint[] } | { ok: false; issues: Issues; message: string } {
  try {
    return { ok: true, points: expandSweep(raw) };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, issues: issuesByPath(e.issues), message: e.message };
    return { ok: false, issues: { '(root)': [String(e)] }, message: String(e) };
  }
}
