// How a worker executes one run: the real runner in a child process under the run's memory budget, or a runner
// handed to startWorker (tests) in this process. Wall time is enforced by the caller's abort signal either way.
import type { RunOptions, RunSummary } from '@driftprune/experiment';
import { runInChild } from './child-runner.js';
import type { RunBudget } from './run-budget.js';

export type Runner = (options: RunOptions) => Promise<RunSummary>;

export async function executeRun(runner: Runner | null, options: RunOptions, budget: RunBudget, log: (m: string) => void): Promise<RunSummary> {
  if (runner) return runner(options);
  const { summary, peakRssBytes } = await runInChild(options, budget, (m) => log(`run child: ${m}`));
  if (peakRssBytes) log(`run: peak resident memory ${Math.round(peakRssBytes / 2 ** 20)} MiB of ${Math.round(budget.memoryBytes / 2 ** 20)} MiB`);
  return summary;
}
