// One way to validate anything that crosses a boundary, with messages that name the field and the fix.
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';

export class ConfigError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    /** One entry per problem: the dotted path and what to change. */
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function formatIssues(error: z.ZodError): { path: string; message: string }[] {
  // A record key that fails its schema carries the key's own issues; their messages say what is wrong with it.
  const message = (i: z.core.$ZodIssue) => (i.code === 'invalid_key' && i.issues.length ? i.issues.map((k) => k.message).join('; ') : i.message);
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: message(i) }));
}

/** Parses `input` with `schema`, or throws a ConfigError listing every problem as `path: message`. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what = 'config'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = formatIssues(r.error);
  throw new ConfigError(`invalid ${what}:\n` + issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'), issues);
}

/** Reads YAML or JSON text (JSON is YAML) into a plain value; syntax errors become ConfigErrors with a line. */
export function parseYamlText(text: string, what = 'config'): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ConfigError(`cannot read ${what} as YAML: ${msg}`, [{ path: '(root)', message: msg }]);
  }
}
