// A sweep: a base experiment plus a search space over dotted config paths, expanded by grid or random search.
import { z } from 'zod';
import { experimentConfig, type ExperimentConfig } from './experiment.js';
import { ConfigError, parseConfig } from './validate.js';
import { configPath, configPathProblem, getPath, setPath } from './config-path.js';

const scalar = z.union([z.number(), z.string(), z.boolean()]);

/**
 * zod drops an own "__proto__" key of a record silently (JSON and YAML make such keys); a sweep parameter named so is
 * refused like every other prototype path instead of vanishing.
 */
function refuseBareProtoKey(value: unknown, ctx: z.RefinementCtx): unknown {
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__'))
    ctx.addIssue({ code: 'custom', message: configPathProblem('__proto__')!, path: ['__proto__'], input: value });
  return value;
}

/**
 * A conditional parameter applies only to the points where each named parameter took (one of) the given value(s),
 * e.g. `paradigm.tau: { values: [0.5, 1], when: { paradigm.kind: adaptive_d2s } }` (ConfigSpace's InCondition).
 */
export const sweepCondition = z.preprocess(refuseBareProtoKey, z.record(configPath, z.union([scalar, z.array(scalar).min(1)])));
export type SweepCondition = z.infer<typeof sweepCondition>;

export const sweepParameter = z.union([
  z
    .object({
      values: z.array(scalar).min(1, 'a parameter needs at least one value'),
      when: sweepCondition.optional(),
      /**
       * Per value: config paths set on the points that take it, e.g. the options of one paradigm kind,
       * `set: { adaptive_d2s: { paradigm.tau: 0.5 } }` (defaults per kind; not swept, so not in the run's params).
       */
      set: z.preprocess(refuseBareProtoKey, z.record(z.string(), z.preprocess(refuseBareProtoKey, z.record(configPath, z.unknown())))).optional(),
    })
    .strict(),
  z
    .object({
      min: z.number(),
      max: z.number(),
      /** Sample on a log scale (random search only). */
      log: z.boolean().default(false),
      integer: z.boolean().default(false),
      when: sweepCondition.optional(),
    })
    .strict()
    .refine((p) => p.min <= p.max, 'min must be ≤ max')
    .refine((p) => !p.log || p.min > 0, 'a log-scale range needs min > 0'),
]);
export type SweepParameter = z.infer<typeof sweepParameter>;

/**
 * Early stopping by the platform: at each window boundary a worker asks whether its run should stop, given its peers'
 * (the sweep's other runs') metric at that window. The metric is the running mean over the run's evaluation windows
 * so far (warm-up and excluded windows left out) of ΔNE % (serving NE over dense NE, minus 1, in %) or of serving NE;
 * lower is better for both. A stopped run ends with status `stopped` and the reason.
 */
const earlyStoppingMetric = z.enum(['deltaNe', 'ne']).default('deltaNe');
export const earlyStoppingConfig = z.discriminatedUnion('rule', [
  z
    .object({
      /** The median stopping rule (Golovin et al. 2017, Vizier): stop when worse than the peers' median at this window. */
      rule: z.literal('median'),
      metric: earlyStoppingMetric,
      /** Never stop before this window (the run's own evaluation needs a few windows). */
      minWindow: z.number().int().min(0).max(1_000_000).default(2),
      /** Peers that reached the window needed before the rule may stop anyone. */
      minPeers: z.number().int().min(1).max(10_000).default(3),
    })
    .strict(),
  z
    .object({
      /**
       * ASHA-style successive halving (Li et al. 2020, asynchronous): rungs at windows minWindow·η^i; a run reaching a
       * rung stops unless it is in the best 1/η of the runs recorded at that rung so far.
       */
      rule: z.literal('asha'),
      metric: earlyStoppingMetric,
      /** The first rung's window. */
      minWindow: z.number().int().min(1).max(1_000_000).default(2),
      /** η: each rung keeps the best 1/η. */
      reductionFactor: z.number().int().min(2).max(100).default(3),
      minPeers: z.number().int().min(1).max(10_000).default(3),
    })
    .strict(),
]);
export type EarlyStoppingConfig = z.infer<typeof earlyStoppingConfig>;

/** What a model-based search (method tpe) minimises: a run's summary figure, averaged over the point's seeds. */
export const sweepObjective = z
  .object({
    metric: z.enum(['meanDeltaNEPct', 'maxDeltaNEPct', 'meanNEServing', 'meanServingFlopsRatio', 'servingFlopsRatio']).default('meanDeltaNEPct'),
    direction: z.enum(['minimize', 'maximize']).default('minimize'),
  })
  .strict();
export type SweepObjective = z.infer<typeof sweepObjective>;

export const SWEEP_METHODS = ['grid', 'random', 'tpe'] as const;
const sweepMethodField = z.enum(SWEEP_METHODS).default('grid');
const sweepSamplesField = z.number().int().positive().max(10_000).default(10);

/**
 * A stored sweep config's search budget (method and samples, defaults as in sweepConfig) without validating the rest:
 * a tpe sweep is not finished while it has fewer points than samples. Null when even these two do not parse.
 */
export function sweepSearchBudget(raw: unknown): { method: (typeof SWEEP_METHODS)[number]; samples: number } | null {
  const r = z.looseObject({ method: sweepMethodField, samples: sweepSamplesField }).safeParse(raw);
  return r.success ? { method: r.data.method, samples: r.data.samples } : null;
}

export const sweepConfig = z
  .object({
    name: z.string().min(1).max(200).default('sweep'),
    /** grid: every combination; random: `samples` draws; tpe: `initialSamples` draws, then proposals from completed points. */
    method: sweepMethodField,
    /** The experiment every run starts from (parameters override its fields). */
    base: z.record(z.string(), z.unknown()),
    /** Dotted config path → values or a range, e.g. `pruning.budget: { values: [0.5, 0.75, 0.9] }`. */
    parameters: z.preprocess(refuseBareProtoKey, z.record(configPath, sweepParameter)).default({}),
    /** Each point of the search space runs once per seed. */
    seeds: z.array(z.number().int().min(0)).min(1).default([1]),
    /** Random search: how many points to draw. */
    samples: sweepSamplesField,
    /** Seed of the random search itself. */
    searchSeed: z.number().int().min(0).default(0),
    /** tpe: random points before the model proposes (also how many points run at once). */
    initialSamples: z.number().int().positive().max(10_000).default(5),
    /** tpe: what it minimises or maximises. */
    objective: sweepObjective.default({ metric: 'meanDeltaNEPct', direction: 'minimize' }),
    /** Early stopping rule the workers apply to this sweep's runs; none when absent. */
    earlyStopping: earlyStoppingConfig.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const [k, p] of Object.entries(s.parameters)) {
      if (s.method === 'grid' && !('values' in p)) ctx.addIssue({ code: 'custom', path: ['parameters', k], message: 'grid search needs explicit values, not a range' });
      const values = 'values' in p ? p.values : [];
      for (const [value, paths] of Object.entries(('values' in p && p.set) || {})) {
        if (!values.some((v) => String(v) === value)) ctx.addIssue({ code: 'custom', path: ['parameters', k, 'set', value], message: `${k} never takes ${value} (its values: ${values.map(String).join(', ')})` });
        for (const path of Object.keys(paths))
          if (s.parameters[path]) ctx.addIssue({ code: 'custom', path: ['parameters', k, 'set', value, path], message: `${path} is swept; it cannot also be set for ${k} ${value}` });
      }
      for (const [parent, accepted] of Object.entries(p.when ?? {})) {
        const other = s.parameters[parent];
        const path = ['parameters', k, 'when', parent];
        if (parent === k) ctx.addIssue({ code: 'custom', path, message: `${k} cannot depend on itself` });
        else if (!other) ctx.addIssue({ code: 'custom', path, message: `when names ${parent}, which is not a parameter of this sweep` });
        else if (!('values' in other)) ctx.addIssue({ code: 'custom', path, message: `when can only name a parameter with listed values; ${parent} is a range` });
        else {
          const missing = asList(accepted).filter((v) => !other.values.some((o) => o === v));
          if (missing.length) ctx.addIssue({ code: 'custom', path, message: `${parent} never takes ${missing.map(String).join(', ')} (its values: ${other.values.map(String).join(', ')})` });
        }
      }
    }
    if (s.method === 'tpe' && s.initialSamples > s.samples) ctx.addIssue({ code: 'custom', path: ['initialSamples'], message: `initialSamples (${s.initialSamples}) cannot exceed samples (${s.samples})` });
    const cycle = conditionCycle(s.parameters);
    if (cycle) ctx.addIssue({ code: 'custom', path: ['parameters', cycle[0], 'when'], message: `conditions form a cycle: ${cycle.join(' → ')}` });
  });
export type SweepConfig = z.infer<typeof sweepConfig>;

export interface SweepPoint {
  /** The overridden parameters of this point (dotted path → value), seed included. */
  params: Record<string, unknown>;
  seed: number;
  config: ExperimentConfig;
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

function asList<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

/** A cycle of `when` references (each parameter naming the next), or null. */
function conditionCycle(parameters: Record<string, { when?: SweepCondition }>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (k: string, trail: string[]): string[] | null => {
    if (state.get(k) === 'done' || !parameters[k]) return null;
    if (state.get(k) === 'open') return [...trail.slice(trail.indexOf(k)), k];
    state.set(k, 'open');
    for (const parent of Object.keys(parameters[k].when ?? {})) {
      const c = visit(parent, [...trail, k]);
      if (c) return c;
    }
    state.set(k, 'done');
    return null;
  };
  for (const k of Object.keys(parameters).sort()) {
    const c = visit(k, []);
    if (c) return c;
  }
  return null;
}

/**
 * The order parameters are drawn and applied in: a parameter after those its `when` names, a discriminator such as
 * `paradigm.kind` before other paths (switching the kind keeps only the options the new kind takes, so an option set
 * before the switch could be lost), otherwise alphabetical. Assumes no cycle (the schema refuses them).
 */
export function parameterOrder(parameters: Record<string, { when?: SweepCondition }>): string[] {
  const keys = Object.keys(parameters).sort((a, b) => Number(!discriminatorAt(a)) - Number(!discriminatorAt(b)) || a.localeCompare(b));
  const out: string[] = [];
  const placed = new Set<string>();
  const place = (k: string, depth: number) => {
    if (placed.has(k) || depth > keys.length) return;
    for (const parent of Object.keys(parameters[k]?.when ?? {})) if (parameters[parent]) place(parent, depth + 1);
    placed.add(k);
    out.push(k);
  };
  for (const k of keys) place(k, 0);
  return out;
}

/** Whether a parameter applies to a (partial) assignment: every parameter its `when` names took an accepted value. */
export function isActive(p: { when?: SweepCondition }, assignment: Record<string, unknown>): boolean {
  return Object.entries(p.when ?? {}).every(([parent, accepted]) => parent in assignment && asList(accepted).some((v) => v === assignment[parent]));
}

/** A discriminated union of the experiment schema (the paradigm, by its kind). */
export interface UnionAt {
  /** Dotted path of the union's object, e.g. "paradigm". */
  path: string;
  discriminator: string;
  /** Each variant's discriminator value and the keys its object takes. */
  variants: { value: string; keys: Set<string> }[];
}

function unwrapSchema(s: z.ZodType): z.ZodType {
  let cur: z.ZodType = s;
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
  return cur;
}

/** By schema path; only paths of the schema are kept, so hostile parameter keys cannot grow it. */
const unions = new Map<string, UnionAt | null>();

/** The discriminated union whose object lives at `path` in the experiment schema, or null. */
export function unionAt(path: string): UnionAt | null {
  if (unions.has(path)) return unions.get(path)!;
  let cur: z.ZodType = experimentConfig;
  let found: UnionAt | null = null;
  for (const k of path.split('.')) {
    const node = unwrapSchema(cur);
    const shape = node instanceof z.ZodObject ? (node.shape as Record<string, z.ZodType>) : {};
    if (!Object.hasOwn(shape, k)) return null;
    cur = shape[k];
  }
  const node = unwrapSchema(cur);
  if (node instanceof z.ZodDiscriminatedUnion) {
    const discriminator = String(node.def.discriminator);
    const variants = (node.options as z.ZodType[]).map((o) => {
      const shape = (unwrapSchema(o) as z.ZodObject).shape as Record<string, z.ZodType>;
      const tag = unwrapSchema(shape[discriminator]) as z.ZodLiteral;
      return { value: String(tag.def.values[0]), keys: new Set(Object.keys(shape)) };
    });
    found = { path, discriminator, variants };
  }
  unions.set(path, found);
  return found;
}

/** The union whose discriminator is exactly this path ("paradigm.kind" → the paradigm union), or null. */
export function discriminatorAt(path: string): UnionAt | null {
  const i = path.lastIndexOf('.');
  if (i < 0) return null;
  const u = unionAt(path.slice(0, i));
  return u && u.discriminator === path.slice(i + 1) ? u : null;
}

/**
 * The variants of the union above `path` that take it ("paradigm.tau" → the paradigm union and ['adaptive_d2s']);
 * null when no union is above it or when every variant takes it.
 */
export function variantsTaking(path: string): { union: UnionAt; values: string[] } | null {
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const union = unionAt(parts.slice(0, i).join('.'));
    if (!union) continue;
    if (parts[i] === union.discriminator) return null;
    const values = union.variants.filter((v) => v.keys.has(parts[i])).map((v) => v.value);
    return values.length === union.variants.length ? null : { union, values };
  }
  return null;
}

/**
 * Sets one sweep parameter on a raw config. Setting a discriminator (paradigm.kind) rebuilds its object for the new
 * variant: options the new variant also takes are kept, the others dropped, and the schema fills in the variant's own
 * defaults, so a sweep over kinds starts each kind from its defaults instead of failing on the base kind's options.
 */
export function applyParameter(raw: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const union = discriminatorAt(path);
  const variant = union?.variants.find((v) => v.value === value);
  if (!union || !variant) return setPath(raw, path, value);
  const current = getPath(raw, union.path);
  const kept = current && typeof current === 'object' ? Object.entries(current as Record<string, unknown>).filter(([k]) => k !== union.discriminator && variant.keys.has(k)) : [];
  return setPath(raw, union.path, { [union.discriminator]: value, ...Object.fromEntries(kept) });
}

/** A config path a point sets, and where a problem with it is reported. */
interface Owner {
  path: string;
  issuePath: string;
}

/**
 * Where one problem of a sweep point belongs: `parameters.<key>` for each parameter that sets the offending config
 * path (or a path above or below it), `parameters.<key>.set.<value>.<path>` for a per-value setting, so a form shows
 * it beside that row or field; `base.<path>` when nothing the sweep sets touches it. An option the point's variant does not take says which variants do and how to restrict the parameter.
 */
function attribute(issue: z.core.$ZodIssue, owners: readonly Owner[], raw: Record<string, unknown>): { path: string; message: string }[] {
  const at = issue.path.map(String).join('.');
  const offending = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (at ? `${at}.${k}` : k)) : [at];
  return offending.flatMap((path) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const taking = variantsTaking(path);
      if (taking) {
        const disc = `${taking.union.path}.${taking.union.discriminator}`;
        const only = taking.values.length === 1 ? taking.values[0] : `[${taking.values.join(', ')}]`;
        message = `${path} is not an option of ${disc} ${String(getPath(raw, disc))}; only ${taking.values.join(', ')} take it, so restrict it: when: { ${disc}: ${only} }`;
      } else message = `${path} is not a config option`;
    }
    const mine = owners.filter((o) => o.path === path || o.path.startsWith(path + '.') || (path !== '' && path.startsWith(o.path + '.')));
    return (mine.length ? mine.map((o) => o.issuePath) : [`base.${path || '(root)'}`]).map((p) => ({ path: p, message }));
  });
}

/** Most distinct problems one expansion reports (a large grid repeats the same problem at every point). */
const MAX_ISSUES = 50;

/**
 * Expands a sweep into validated experiment configs. Throws a ConfigError listing every distinct problem, each at
 * the parameter that caused it (`parameters.<key>`) and naming the first point where it occurs.
 */
export function expandSweep(input: unknown): SweepPoint[] {
  const sweep = parseConfig(sweepConfig, input, 'sweep');
  const order = parameterOrder(sweep.parameters);
  let assignments: Record<string, unknown>[] = [{}];
  if (sweep.method === 'grid') {
    for (const k of order) {
      const p = sweep.parameters[k] as { values: unknown[]; when?: SweepCondition };
      assignments = assignments.flatMap((a) => (isActive(p, a) ? p.values.map((v) => ({ ...a, [k]: v })) : [a]));
    }
  } else {
    // tpe starts with random draws; later points come from the completed ones (proposeSweepPoint in @driftprune/sweeps)
    const rnd = mulberry32(sweep.searchSeed);
    assignments = Array.from({ length: sweep.method === 'tpe' ? sweep.initialSamples : sweep.samples }, () => {
      const a: Record<string, unknown> = {};
      for (const k of order) if (isActive(sweep.parameters[k], a)) a[k] = drawOne(sweep.parameters[k], rnd);
      return a;
    });
  }
  return sweepPointsOf(sweep, assignments);
}

/**
 * The validated runs (one per seed) of given assignments of a parsed sweep, e.g. a point a model-based search
 * proposed. Throws a ConfigError as expandSweep does.
 */
export function sweepPointsOf(sweep: SweepConfig, assignments: Record<string, unknown>[]): SweepPoint[] {
  const order = parameterOrder(sweep.parameters);
  const points: SweepPoint[] = [];
  const issues = new Map<string, { path: string; message: string }>();
  for (const a of assignments)
    for (const seed of sweep.seeds) {
      let raw: Record<string, unknown> = { ...sweep.base, seed };
      const owners: Owner[] = [];
      for (const k of order) {
        if (!(k in a)) continue;
        raw = applyParameter(raw, k, a[k]);
        owners.push({ path: k, issuePath: `parameters.${k}` });
        const p = sweep.parameters[k];
        for (const [path, v] of Object.entries(('values' in p && p.set?.[String(a[k])]) || {})) {
          raw = applyParameter(raw, path, v);
          owners.push({ path, issuePath: `parameters.${k}.set.${String(a[k])}.${path}` });
        }
      }
      if (!raw.name) raw.name = sweep.name;
      const r = experimentConfig.safeParse(raw);
      if (r.success) {
        points.push({ params: { ...a, seed }, seed, config: r.data });
        continue;
      }
      for (const issue of r.error.issues)
        for (const i of attribute(issue, owners, raw)) {
          const key = `${i.path}\u0000${i.message}`;
          if (!issues.has(key) && issues.size < MAX_ISSUES) issues.set(key, { path: i.path, message: `${i.message} (at ${describePoint(a, seed)})` });
        }
    }
  if (issues.size) {
    const list = [...issues.values()];
    throw new ConfigError(`invalid sweep:\n` + list.map((i) => `  - ${i.path}: ${i.message}`).join('\n'), list);
  }
  return points;
}

/** `sweep point {"a":1} seed 2`: how a point is named in messages. */
function describePoint(a: Record<string, unknown>, seed: number): string {
  return `sweep point ${JSON.stringify(a)} seed ${seed}`;
}

/** A compact text for a swept value: numbers to 4 significant digits (a random draw's 0.0123456 → 0.01235). */
export function formatSweepValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * A run's name from what its sweep point varies: a swept discriminator by its value alone, other parameters as
 * `key=value` with the shortest unambiguous key, the seed last: "adaptive_d2s · tau=0.5 · budget=0.75 · s1".
 */
export function pointLabel(params: Record<string, unknown>): string {
  const keys = Object.keys(params).filter((k) => k !== 'seed');
  const ordered = keys.sort((a, b) => Number(!discriminatorAt(a)) - Number(!discriminatorAt(b)) || a.localeCompare(b));
  const short = (k: string) => {
    const parts = k.split('.');
    for (let n = 1; n < parts.length; n++) {
      const tail = parts.slice(-n).join('.');
      if (!keys.some((o) => o !== k && (o === tail || o.endsWith(`.${tail}`)))) return tail;
    }
    return k;
  };
  const parts = ordered.map((k) => (discriminatorAt(k) ? formatSweepValue(params[k]) : `${short(k)}=${formatSweepValue(params[k])}`));
  if ('seed' in params) parts.push(`s${formatSweepValue(params.seed)}`);
  return parts.join(' · ');
}
