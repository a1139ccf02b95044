// One experiment run in its own process, started by child-runner.ts. Each runner event goes to the worker over IPC
// and waits for its acknowledgement, so the worker has stored it (metrics, checkpoint, model) before the run goes
// on, exactly as in-process. The process ends when its run does, or when the worker goes away.
import type { RunEvent, RunOptions, RunSummary } from '@driftprune/experiment';
import type { ChildMessage, ParentMessage } from './child-protocol.js';
import { isPermanentRunError } from './run-budget.js';

const send = (m: ChildMessage) =>
  new Promise<void>((res, rej) => {
    if (!process.connected) return rej(new Error('the worker went away'));
    process.send!(m, undefined, undefined, (e) => (e ? rej(e) : res()));
  });

const ac = new AbortController();
const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
let nextId = 0;
let started = false;

// Resident memory, reported for platforms without /proc (the worker reads /proc/<pid>/status where it can).
const rssTimer = setInterval(() => void send({ type: 'rss', bytes: process.memoryUsage.rss() }).catch(() => {}), 250);
rssTimer.unref();

// The worker died or closed the channel: nothing would store this run's results.
process.on('disconnect', () => process.exit(70));

async function run(options: Pick<RunOptions, 'config' | 'outDir' | 'resume'>): Promise<void> {
  const { runExperiment } = await import('@driftprune/experiment');
  const onEvent = (event: RunEvent) =>
    new Promise<void>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      send({ type: 'event', id, event }).catch(reject);
    });
  try {
    const summary: RunSummary = await runExperiment({ ...options, signal: ac.signal, onEvent });
    await send({ type: 'done', summary });
  } catch (err) {
    // classified here, where the error still has its class (a ConfigError, DataError or PruningConfigError): over IPC
    // only its name, message, code and this flag arrive
    const e = err instanceof Error ? err : new Error(String(err));
    await send({ type: 'failed', error: { name: e.name, message: e.message, code: (e as { code?: string }).code, permanent: isPermanentRunError(e) } }).catch(() => {});
  }
  process.exit(0);
}

process.on('message', (m: ParentMessage) => {
  if (m.type === 'start' && !started) {
    started = true;
    void run(m.options);
  } else if (m.type === 'abort') {
    ac.abort(new Error(m.message));
  } else if (m.type === 'ack') {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (p && m.error) p.reject(new Error(m.error));
    else p?.resolve();
  }
});
