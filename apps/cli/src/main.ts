// The driftprune CLI: `driftprune <command> [options]`.
import { CommandError, UsageError } from './command.js';
import { ConfigError } from '@driftprune/config';
import { commands } from './commands/index.js';

function help(): string {
  return ['usage: driftprune <command> [options]', '', 'commands:', ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`), '', 'driftprune <command> --help shows its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`driftprune: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) { console.error(`driftprune ${name}: ${e.message}\n\n${cmd.usage}`); return 2; }
    if (e instanceof ConfigError) { console.error(`driftprune ${name}: ${e.message}`); return 2; }
    if (e instanceof CommandError) { console.error(`driftprune ${name}: ${e.message}`); return 1; }
    console.error(`driftprune ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
