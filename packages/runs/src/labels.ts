// Resource labels: what a run asks of its worker beyond the engine backend (a memory class, a disk, a site…), and
// how that routes its job. The backend keeps routing by device (runs-cpu, runs-webgpu); a run that names labels
// (config `engine.labels`) goes to a queue of that backend and label set, `runs-cpu+mem-large`. A worker with labels
// L consumes every queue of its backends whose label set is a subset of L, so it takes the runs it satisfies and
// only those; a run without labels can go to any worker of its backend.
//
// Queue names with labels are recorded in one Redis set when a job is enqueued (QUEUE_REGISTRY): workers start
// consumers for the names they satisfy, and reconcile, cancel and /metrics cover every queue that was ever used.
import { RUN_QUEUES, type Backend } from './contract.js';

/** A label: lower case letters, digits, `.`, `_`, `-`; up to 32 characters (it becomes part of a queue name). */
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;
/** Most labels a run may ask for (each adds a queue name; a worker consumes at most 2^n of them). */
export const MAX_RUN_LABELS = 4;
/** Most labels one worker may carry. */
export const MAX_WORKER_LABELS = 8;

/** Redis set of every run queue name a job was enqueued to, labelled ones included. */
export const queueRegistryKey = (prefix: string) => `${prefix}:run-queue-names`;

/** Sorted, without duplicates; throws on a label that does not match LABEL_PATTERN. */
export function canonicalLabels(labels: readonly string[]): string[] {
  for (const l of labels) if (!LABEL_PATTERN.test(l)) throw new Error(`label ${JSON.stringify(l)} must match ${LABEL_PATTERN} (lower case letters, digits, . _ -; at most 32 characters)`);
  return [...new Set(labels)].sort();
}

/** WORKER_LABELS (comma-separated) as a canonical label list. */
export function parseWorkerLabels(value: string | undefined): string[] {
  const labels = canonicalLabels((value ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  if (labels.length > MAX_WORKER_LABELS) throw new Error(`WORKER_LABELS names ${labels.length} labels; at most ${MAX_WORKER_LABELS}`);
  return labels;
}

/** The labels a run's config asks for (`engine.labels`); [] when none, or when the config is not one. */
export function labelsOfRunConfig(config: unknown): string[] {
  const engine = config && typeof config === 'object' ? (config as { engine?: unknown }).engine : undefined;
  const labels = engine && typeof engine === 'object' ? (engine as { labels?: unknown }).labels : undefined;
  if (!Array.isArray(labels)) return [];
  return canonicalLabels(labels.filter((l): l is string => typeof l === 'string'));
}

const LABEL_SEPARATOR = '+';

/** The queue of a run: its backend queue, then its labels. */
export function runQueueName(device: string, labels: readonly string[] = []): string {
  const base = device === 'webgpu' ? RUN_QUEUES.webgpu : RUN_QUEUES.cpu;
  const ls = canonicalLabels(labels);
  return ls.length ? [base, ...ls].join(LABEL_SEPARATOR) : base;
}

/** A run queue name split into its backend queue and labels; null for a name that is no run queue. */
export function parseRunQueueName(name: string): { base: string; labels: string[] } | null {
  const [base, ...labels] = name.split(LABEL_SEPARATOR);
  if (!(Object.values(RUN_QUEUES) as string[]).includes(base!)) return null;
  if (!labels.every((l) => LABEL_PATTERN.test(l))) return null;
  return { base: base!, labels };
}

/** The backend queues a worker of this backend consumes (ORT's CPU provider is always there). */
function baseQueues(backend: Backend): string[] {
  return backend === 'webgpu' ? [RUN_QUEUES.webgpu, RUN_QUEUES.cpu] : [RUN_QUEUES.cpu];
}

/**
 * Of these queue names, those a worker of this backend and these labels satisfies: a backend it serves, and labels it
 * all carries. The unlabelled backend queues are always included.
 */
export function queuesServed(backend: Backend, workerLabels: readonly string[], known: Iterable<string> = []): string[] {
  const bases = baseQueues(backend);
  const have = new Set(workerLabels);
  const served = new Set(bases);
  for (const name of known) {
    const q = parseRunQueueName(name);
    if (q && bases.includes(q.base) && q.labels.every((l) => have.has(l))) served.add(name);
  }
  return [...served];
}
