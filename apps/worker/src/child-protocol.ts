// Messages between the worker and a run's child process (child-runner.ts ↔ run-child.ts).
import type { RunEvent, RunOptions, RunSummary } from '@driftprune/experiment';

export type ParentMessage =
  | { type: 'start'; options: Pick<RunOptions, 'config' | 'outDir' | 'resume'> }
  | { type: 'abort'; message: string }
  /** The worker handled event `id`; `error` when storing it failed (the run then stops). */
  | { type: 'ack'; id: number; error?: string };

export type ChildMessage =
  | { type: 'event'; id: number; event: RunEvent }
  | { type: 'rss'; bytes: number }
  | { type: 'done'; summary: RunSummary }
  | { type: 'failed'; error: { name: string; message: string; code?: string; permanent?: boolean } };
