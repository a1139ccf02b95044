// One entry point for what runs on a GPU host, so that one esbuild bundle carries it all (scripts/gpu/bundle.sh →
// .gpu-carry/app/gpu.mjs); here it runs through tsx the same way: `npx tsx scripts/gpu/tools.ts COMMAND ...`.
//   driftprune ARGS...     the CLI (`driftprune run CONFIG --set engine.device=webgpu ...`)
//   cross-check ARGS...    whole runs per paradigm, webgpu vs cpu, resumed across devices (cross-check.ts)
//   serving ARGS...        dense vs pruned ONNX models served on the CPU and WebGPU providers (serving.ts)
//   answer ARGS...         time to answer: large runs per paradigm, and where their time goes (answer.ts)
import { main as cli } from 'driftprune/main';
import { answerMain } from './answer.js';
import { crossCheckMain } from './cross-check.js';
import { servingMain } from './serving.js';

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (argv: string[]) => Promise<number>> = {
  driftprune: cli,
  'cross-check': crossCheckMain,
  serving: servingMain,
  answer: answerMain,
};
const run = commands[command ?? ''];
if (!run) {
  console.error(`usage: gpu.mjs <${Object.keys(commands).join(' | ')}> [args...]`);
  process.exitCode = 2;
} else {
  try {
    process.exitCode = await run(rest);
  } catch (e) {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  }
}
