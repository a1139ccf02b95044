// A CLI command: one file per command under commands/, listed in commands/index.ts.
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** Exit codes: 0 ok, 1 failure while running, 2 bad usage or bad input. */
export class UsageError extends Error {}

/** A failure whose message says it all (e.g. an API error code and message): exit 1, printed without a stack trace. */
export class CommandError extends Error {}

/** Minimal flag parser: `--key value`, `--key=value`, `--flag`; positionals kept in order. */
export function parseFlags(argv: string[], booleans: string[] = []): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else if (booleans.includes(a.slice(2)) || i + 1 >= argv.length || argv[i + 1].startsWith('--')) flags[a.slice(2)] = true;
      else flags[a.slice(2)] = argv[++i];
    } else positional.push(a);
  }
  return { flags, positional };
}
