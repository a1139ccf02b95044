// The command table: every command the CLI knows, imported statically so that a bundler (esbuild, for the GPU
// host's one-file build; scripts/gpu) follows them. A new command is a file here plus one line below.
import type { Command } from '../command.js';
import { command as dataset } from './dataset.js';
import { command as inspect } from './inspect.js';
import { command as run } from './run.js';
import { command as sweep } from './sweep.js';

export const commands: readonly Command[] = [dataset, inspect, run, sweep];
