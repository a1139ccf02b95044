// Reads the shared zod schema (packages/config) into plain field descriptions that the form renders, so the form
// always has the fields, bounds, choices and defaults the server validates against. Only the zod kinds our config
// schemas use are handled; anything else shows as a JSON text field, which the schema still validates.
import type { z } from 'zod';

interface Common {
  /** Dotted path in the config ("pruning.budget"); for a variant's fields, relative to the variant's object. */
  path: string;
  /** The last path segment. */
  key: string;
  /** The field may be left out (the schema fills a default or it is optional). */
  optional: boolean;
  defaultValue?: unknown;
}

export type FieldSpec =
  | (Common & { kind: 'number'; integer: boolean; min?: number; max?: number; minExclusive: boolean; maxExclusive: boolean })
  | (Common & { kind: 'enum'; options: string[] })
  | (Common & { kind: 'boolean' })
  | (Common & { kind: 'string'; pattern?: string })
  | (Common & { kind: 'numberList'; integer: boolean; min?: number })
  | (Common & { kind: 'stringList' })
  /** A number or a list of numbers (e.g. data.hashSize): a comma-separated text field. */
  | (Common & { kind: 'numberOrList' })
  | (Common & { kind: 'group'; fields: FieldSpec[] })
  | (Common & { kind: 'variant'; discriminator: string; variants: { value: string; fields: FieldSpec[] }[] })
  | (Common & { kind: 'json' });

type AnyDef = { type: string; [k: string]: unknown };
// zod 4 exposes its definition on `.def`; the public types don't model every kind, so read it loosely.
const defOf = (s: unknown): AnyDef => (s as { def: AnyDef }).def;

interface Unwrapped {
  schema: z.ZodType;
  optional: boolean;
  defaultValue?: unknown;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let s = schema;
  let optional = false;
  let defaultValue: unknown;
  for (;;) {
    const d = defOf(s);
    if (d.type === 'optional' || d.type === 'nullable') {
      optional = true;
      s = d.innerType as z.ZodType;
    } else if (d.type === 'default' || d.type === 'prefault') {
      optional = true;
      const dv = d.defaultValue;
      defaultValue = typeof dv === 'function' ? (dv as () => unknown)() : dv;
      s = d.innerType as z.ZodType;
    } else if (d.type === 'pipe') s = d.in as z.ZodType;
    else return { schema: s, optional, defaultValue };
  }
}

interface NumberBounds {
  integer: boolean;
  min?: number;
  max?: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

function numberBounds(schema: z.ZodType): NumberBounds {
  const out: NumberBounds = { integer: false, minExclusive: false, maxExclusive: false };
  const checks = (defOf(schema).checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? [];
  for (const c of checks) {
    const d = c._zod.def;
    if (d.check === 'number_format' && typeof d.format === 'string' && /int/.test(d.format)) out.integer = true;
    if (d.check === 'greater_than' && typeof d.value === 'number' && (out.min === undefined || d.value >= out.min)) {
      out.min = d.value;
      out.minExclusive = !d.inclusive;
    }
    if (d.check === 'less_than' && typeof d.value === 'number' && (out.max === undefined || d.value <= out.max)) {
      out.max = d.value;
      out.maxExclusive = !d.inclusive;
    }
  }
  // An integer format bounds the value to the safe range; that is no useful bound to show.
  if (out.integer && out.min !== undefined && out.min <= Number.MIN_SAFE_INTEGER) out.min = undefined;
  if (out.integer && out.max !== undefined && out.max >= Number.MAX_SAFE_INTEGER) out.max = undefined;
  return out;
}

function stringPattern(schema: z.ZodType): string | undefined {
  const checks = (defOf(schema).checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? [];
  for (const c of checks) if (c._zod.def.format === 'regex' && c._zod.def.pattern instanceof RegExp) return c._zod.def.pattern.source;
  return undefined;
}

/** Describes one schema node at `path`. */
export function describeField(schema: z.ZodType, path: string): FieldSpec {
  const u = unwrap(schema);
  const d = defOf(u.schema);
  const key = path.split('.').pop() ?? path;
  const common = { path, key, optional: u.optional, ...(u.defaultValue !== undefined ? { defaultValue: u.defaultValue } : {}) };
  switch (d.type) {
    case 'number':
      return { ...common, kind: 'number', ...numberBounds(u.schema) };
    case 'enum':
      return { ...common, kind: 'enum', options: Object.values(d.entries as Record<string, string>) };
    case 'literal':
      return { ...common, kind: 'enum', options: (d.values as unknown[]).map(String) };
    case 'boolean':
      return { ...common, kind: 'boolean' };
    case 'string':
      return { ...common, kind: 'string', pattern: stringPattern(u.schema) };
    case 'array': {
      const el = unwrap(d.element as z.ZodType).schema;
      const ed = defOf(el);
      if (ed.type === 'number') {
        const b = numberBounds(el);
        return { ...common, kind: 'numberList', integer: b.integer, min: b.min };
      }
      if (ed.type === 'string') return { ...common, kind: 'stringList' };
      return { ...common, kind: 'json' };
    }
    case 'union': {
      const opts = (d.options as z.ZodType[]).map((o) => unwrap(o).schema);
      if (typeof d.discriminator === 'string') return describeVariant(opts, d.discriminator, common);
      const kinds = opts.map((o) => defOf(o).type).sort().join(',');
      if (kinds === 'array,number') return { ...common, kind: 'numberOrList' };
      return { ...common, kind: 'json' };
    }
    case 'object':
      return { ...common, kind: 'group', fields: describeObject(u.schema, path) };
    default:
      return { ...common, kind: 'json' };
  }
}

function describeVariant(options: z.ZodType[], discriminator: string, common: Omit<Common, 'key'> & { key: string }): FieldSpec {
  const variants = options.map((o) => {
    const shape = (defOf(o).shape ?? {}) as Record<string, z.ZodType>;
    const tag = defOf(unwrap(shape[discriminator]).schema);
    const value = String((tag.values as unknown[] | undefined)?.[0] ?? '');
    const fields = Object.entries(shape)
      .filter(([k]) => k !== discriminator)
      .map(([k, s]) => describeField(s, `${common.path}.${k}`));
    return { value, fields };
  });
  return { ...common, kind: 'variant', discriminator, variants };
}

/** The fields of an object schema, in declaration order. */
export function describeObject(schema: z.ZodType, prefix = ''): FieldSpec[] {
  const shape = (defOf(unwrap(schema).schema).shape ?? {}) as Record<string, z.ZodType>;
  return Object.entries(shape).map(([k, s]) => describeField(s, prefix ? `${prefix}.${k}` : k));
}

/** Every leaf path of a field list (variant fields of every variant included, deduplicated), for sweep parameters. */
export function leafPaths(fields: readonly FieldSpec[]): string[] {
  const out = new Set<string>();
  const walk = (fs: readonly FieldSpec[]) => {
    for (const f of fs) {
      if (f.kind === 'group') walk(f.fields);
      else if (f.kind === 'variant') {
        out.add(`${f.path}.${f.discriminator}`);
        for (const v of f.variants) walk(v.fields);
      } else out.add(f.path);
    }
  };
  walk(fields);
  return [...out].sort();
}

/** Parses a comma/space separated list of numbers; null when any entry is not a number. */
export function parseNumberList(text: string): number[] | null {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const nums = parts.map(Number);
  return nums.every((n) => Number.isFinite(n)) ? nums : null;
}

/** Parses one sweep value typed by a person: numbers and booleans become themselves, anything else stays text. */
export function parseScalar(text: string): number | boolean | string {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  return t;
}
