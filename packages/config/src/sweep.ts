// A sweep: a base experiment plus a search space over dotted config paths, expanded by grid or random search.
import { z } from 'zod';
import { experimentConfig, type ExperimentConfig } from './experiment.js';
import { parseConfig } from './validate.js';

const scalar = z.union([z.number(), z.string(), z.boolean()]);

export const sweepParameter = z.union([
  z.object({ values: z.array(scalar).min(1, 'a parameter needs at least one value') }).strict(),
  z
    .object({
      min: z.number(),
      max: z.number(),
      /** Sample on a log scale (random search only). */
      log: z.boolean().default(false),
      integer: z.boolean().default(false),
    })
    .strict()
    .refine((p) => p.min <= p.max, 'min must be ≤ max')
    .refine((p) => !p.log || p.min > 0, 'a log-scale range needs min > 0'),
]);
export type SweepParameter = z.infer<typeof sweepParameter>;

export const sweepConfig = z
  .object({
    name: z.string().min(1).max(200).default('sweep'),
    method: z.enum(['grid', 'random']).default('grid'),
    /** The experiment every run starts from (parameters override its fields). */
    base: z.record(z.string(), z.unknown()),
    /** Dotted config path → values or a range, e.g. `pruning.budget: { values: [0.5, 0.75, 0.9] }`. */
    parameters: z.record(z.string().regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/, 'parameter keys are dotted config paths'), sweepParameter).default({}),
    /** Each point of the search space runs once per seed. */
    seeds: z.array(z.number().int().min(0)).min(1).default([1]),
    /** Random search: how many points to draw. */
    samples: z.number().int().positive().max(10_000).default(10),
    /** Seed of the random search itself. */
    searchSeed: z.number().int().min(0).default(0),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.method === 'grid')
      for (const [k, p] of Object.entries(s.parameters))
        if (!('values' in p)) ctx.addIssue({ code: 'custom', path: ['parameters', k], message: 'grid search needs explicit values, not a range' });
  });
export type SweepConfig = z.infer<typeof sweepConfig>;

export interface SweepPoint {
  /** The overridden parameters of this point (dotted path → value), seed included. */
  params: Record<string, unknown>;
  seed: number;
  config: ExperimentConfig;
}

/** Sets `obj[a][b][c] = value` for the path "a.b.c", creating objects on the way (on a deep copy). */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const out = structuredClone(obj);
  const keys = path.split('.');
  let cur: Record<string, unknown> = out;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (next === undefined || next === null || typeof next !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
  return out;
}

/** Reads `obj.a.b.c` for "a.b.c"; undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** mulberry32: a small, well-known 32-bit PRNG; deterministic sweeps need nothing stronger. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function drawOne(p: SweepParameter, rnd: () => number): unknown {
  if ('values' in p) return p.values[Math.floor(rnd() * p.values.length)];
  const u = rnd();
  let v = p.log ? Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min))) : p.min + u * (p.max - p.min);
  if (p.integer) v = Math.round(v);
  return v;
}

/** Expands a sweep into validated experiment configs; throws a ConfigError naming the point that is invalid. */
export function expandSweep(input: unknown): SweepPoint[] {
  const sweep = parseConfig(sweepConfig, input, 'sweep');
  const keys = Object.keys(sweep.parameters).sort();
  let assignments: Record<string, unknown>[] = [{}];
  if (sweep.method === 'grid') {
    for (const k of keys) {
      const p = sweep.parameters[k] as { values: unknown[] };
      assignments = assignments.flatMap((a) => p.values.map((v) => ({ ...a, [k]: v })));
    }
  } else {
    const rnd = mulberry32(sweep.searchSeed);
    assignments = Array.from({ length: sweep.samples }, () => Object.fromEntries(keys.map((k) => [k, drawOne(sweep.parameters[k], rnd)])));
  }
  const points: SweepPoint[] = [];
  for (const a of assignments)
    for (const seed of sweep.seeds) {
      let raw: Record<string, unknown> = { ...sweep.base, seed };
      for (const [k, v] of Object.entries(a)) raw = setPath(raw, k, v);
      if (!raw.name) raw.name = sweep.name;
      const config = parseConfig(experimentConfig, raw, `sweep point ${JSON.stringify(a)} seed ${seed}`);
      points.push({ params: { ...a, seed }, seed, config });
    }
  return points;
}
