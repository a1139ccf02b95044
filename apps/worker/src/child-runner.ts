// Runs an experiment in a child process that the worker watches (issue 12.6): the run's resident memory is read
// every 200 ms and the process is killed the moment it passes the budget; its V8 heap is capped at the budget as
// well. A run that blows up takes down its own process, never the worker, which records a coded failure and takes
// the next job. Why a process and not a check inside the worker: a run allocates in native code (onnxruntime,
// typed arrays) in large synchronous steps that no in-process check can interrupt, and with WORKER_CONCURRENCY > 1
// the worker's RSS cannot be attributed to one run.
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { RunOptions, RunSummary } from '@driftprune/experiment';
import type { ChildMessage, ParentMessage } from './child-protocol.js';
import { RunBudgetExceededError, type RunBudget } from './run-budget.js';

const MiB = 2 ** 20;
const WATCH_MS = 200;
/** After an abort, the child has this long to stop at a mini-batch boundary before it is killed. */
const ABORT_GRACE_MS = 5_000;

/** The child's entry and the loader flags it needs: the worker's own (tsx in development) or tsx for a .ts entry. */
function childEntry(): { path: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const path = new URL(ts ? './run-child.ts' : './run-child.js', import.meta.url).pathname;
  const execArgv: string[] = [];
  const a = process.execArgv;
  for (let i = 0; i < a.length; i++) {
    const flag = a[i];
    if (/^--(import|require|loader|experimental-loader|conditions)=/.test(flag) || /^-r.+/.test(flag)) execArgv.push(flag);
    else if (/^(--import|--require|-r|--loader|--experimental-loader|--conditions|-C)$/.test(flag) && i + 1 < a.length) execArgv.push(flag, a[++i]);
  }
  if (ts && !execArgv.some((f) => f.includes('tsx'))) execArgv.push('--import', import.meta.resolve('tsx'));
  return { path, execArgv };
}

/** Resident set size of a process from /proc (Linux), or null where it cannot be read. */
async function procRss(pid: number): Promise<number | null> {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface ChildRunResult {
  summary: RunSummary;
  peakRssBytes: number;
}

/**
 * Runs `options` in a child process under `budget.memoryBytes`. Settles with the summary, or rejects with: the
 * error the worker's onEvent threw (e.g. the run was deleted), a RunBudgetExceededError('memory'), the run's own
 * error, or the abort reason when `options.signal` ended it. The child never outlives the returned promise.
 */
export function runInChild(options: RunOptions, budget: Pick<RunBudget, 'memoryBytes'>, log: (m: string) => void): Promise<ChildRunResult> {
  const { path, execArgv } = childEntry();
  const heapMb = Math.max(64, Math.floor(budget.memoryBytes / MiB));
  const child = fork(path, [], {
    execArgv: [...execArgv, `--max-old-space-size=${heapMb}`],
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stdout!.on('data', (d: Buffer) => log(String(d).trimEnd()));
  child.stderr!.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + String(d)).slice(-4_000);
    log(String(d).trimEnd());
  });
  const signal = options.signal;
  return new Promise<ChildRunResult>((resolve, reject) => {
    let settled = false;
    let outcome: { summary?: RunSummary; error?: Error } = {};
    let eventError: Error | null = null;
    let overBudget: RunBudgetExceededError | null = null;
    let peak = 0;
    let killTimer: NodeJS.Timeout | null = null;
    // the event being stored: the promise settles only after it, so no write of this run outlives it
    let inFlight: Promise<unknown> = Promise.resolve();
    const send = (m: ParentMessage) => {
      if (child.connected) child.send(m, (e) => e && log(`run child: ${e.message}`));
    };
    const overMemory = (rss: number) => {
      peak = Math.max(peak, rss);
      if (rss <= budget.memoryBytes || overBudget) return;
      overBudget = new RunBudgetExceededError('memory', `the run's process reached ${Math.round(rss / MiB)} MiB; its budget is ${Math.round(budget.memoryBytes / MiB)} MiB (runBudget.memoryMb / RUN_MAX_MEMORY_MB)`);
      child.kill('SIGKILL');
    };
    const watch = setInterval(() => {
      if (child.pid) void procRss(child.pid).then((rss) => rss != null && overMemory(rss));
    }, WATCH_MS);
    const onAbort = () => {
      send({ type: 'abort', message: signal?.reason instanceof Error ? signal.reason.message : 'aborted' });
      killTimer = setTimeout(() => child.kill('SIGKILL'), ABORT_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.on('message', (m: ChildMessage) => {
      switch (m.type) {
        case 'event':
          inFlight = Promise.resolve(options.onEvent?.(m.event)).then(
            () => send({ type: 'ack', id: m.id }),
            (e: Error) => {
              eventError ??= e;
              send({ type: 'ack', id: m.id, error: e.message });
            },
          );
          break;
        case 'rss':
          overMemory(m.bytes);
          break;
        case 'done':
          outcome = { summary: m.summary };
          break;
        case 'failed':
          outcome = { error: Object.assign(new Error(m.error.message), { name: m.error.name, code: m.error.code, permanent: m.error.permanent }) };
          break;
      }
    });
    const finish = async (code: number | null, sig: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      await inFlight;
      clearInterval(watch);
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      // the V8 heap cap (--max-old-space-size) ends the process with this message on stderr
      if (!overBudget && /heap out of memory|Allocation failed/i.test(stderrTail))
        overBudget = new RunBudgetExceededError('memory', `the run's JavaScript heap passed its budget of ${heapMb} MiB (runBudget.memoryMb / RUN_MAX_MEMORY_MB)`);
      if (overBudget) return reject(overBudget);
      if (eventError) return reject(eventError);
      if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (outcome.summary) return resolve({ summary: outcome.summary, peakRssBytes: peak });
      if (outcome.error) return reject(outcome.error);
      reject(new Error(`the run's process ended without a result (${sig ? `signal ${sig}` : `exit code ${code}`})${stderrTail ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
    };
    // 'close', not 'exit': every IPC message the child sent has been delivered by then
    child.on('close', (code, sig) => void finish(code, sig));
    child.on('error', (e) => {
      outcome = { error: e };
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      else void finish(child.exitCode, child.signalCode);
    });
    if (signal?.aborted) onAbort();
    send({ type: 'start', options: { config: options.config, outDir: options.outDir, resume: options.resume } });
  });
}
