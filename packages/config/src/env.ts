// Environment variables of every app, checked at start-up: a bad value stops the process with a clear message.
import { z } from 'zod';
import { parseConfig } from './validate.js';

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** `scheme://host[:port]` and nothing more. */
function isOrigin(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v;
  } catch {
    return false;
  }
}

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgresql:// URL').default('postgresql://postgres@127.0.0.1:5432/driftprune'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /** Prefix of every BullMQ key, so that several deployments (or test runs) can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default('driftprune'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Where the dashboard (browser side) finds the API. */
  PUBLIC_API_URL: z.string().url().default('http://127.0.0.1:4000/graphql'),
  /** Artifacts (ONNX models, checkpoints, reports): a directory, or an s3:// bucket. */
  ARTIFACT_STORE: z.string().default('file:./.data/artifacts'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Worker: local folder for run outputs (checkpoints are also copied to the artifact store). */
  WORKER_DIR: z.string().default('./.data/work'),
  /** Worker: BullMQ job lock; a worker that dies is detected and its run resumed after about twice this. */
  WORKER_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** Worker: how often the worker row and its runs' heartbeatAt are refreshed. */
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /**
   * Worker: how often to re-enqueue runs that are queued/running in Postgres but lost their BullMQ job (also done once
   * at start); 0 = only at start.
   */
  WORKER_RECONCILE_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /** Worker: a queued run younger than this is not re-enqueued (it may be between the API's insert and its enqueue). */
  WORKER_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).max(86_400_000).default(10_000),
  /**
   * Worker: at start, artifact-store folders of deleted runs untouched this long are removed; -1 turns the sweep off.
   */
  WORKER_ORPHAN_GRACE_MS: z.coerce.number().int().min(-1).max(30 * 86_400_000).default(600_000),
  /**
   * Worker: the longest a run may take (seconds of wall time from its start on a worker, data preparation included);
   * a run's config may ask for less (runBudget.wallSec). Over it the run fails with RUN_BUDGET_EXCEEDED (wall).
   */
  RUN_MAX_WALL_SEC: z.coerce.number().int().min(1).max(30 * 86_400).default(6 * 3_600),
  /**
   * Worker: the most resident memory one run's process may use (MiB; each run executes in its own child process,
   * watched). A run's config may ask for less (runBudget.memoryMb). Over it: RUN_BUDGET_EXCEEDED (memory).
   */
  RUN_MAX_MEMORY_MB: z.coerce.number().int().min(64).max(1_048_576).default(8_192),
  /**
   * Worker: how long close() waits for its runs to stop (they are asked at once and go back to the queue) before it
   * lets go of their jobs anyway; another worker resumes them from their checkpoint. close() never waits longer.
   */
  WORKER_CLOSE_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  DRIFTPRUNE_DEVICE: z.enum(['cpu', 'webgpu', 'auto']).default('cpu'),
  /**
   * Worker: resource labels it carries (comma-separated, e.g. `mem-large,ssd`); it takes the runs whose
   * `engine.labels` it all carries, and runs without labels. Its backend (cpu, webgpu) is a label by itself.
   */
  WORKER_LABELS: z
    .string()
    .refine((v) => v.split(',').every((l) => !l.trim() || /^[a-z0-9][a-z0-9._-]{0,31}$/.test(l.trim())), 'WORKER_LABELS must be comma-separated labels of lower case letters, digits, . _ - (at most 32 characters each)')
    .default(''),
  /**
   * Worker: once asked to drain (SIGUSR2), how long it lets its runs finish before it hands them back to the queue
   * (they resume elsewhere from their checkpoint) and stops; 0 = as long as they take.
   */
  WORKER_DRAIN_GRACE_MS: z.coerce.number().int().min(0).max(30 * 86_400_000).default(0),
  /** API: when set, GET /metrics needs `Authorization: Bearer <this>`; unset, it answers anyone who reaches the API. */
  METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'METRICS_TOKEN must have at least 16 characters').optional()),
  /**
   * Where platform runs may read data by path (`data.path`): comma-separated directories (absolute, or relative to
   * the working directory) and `s3://bucket/prefix` entries that registered datasets may point into. A path must
   * resolve, symbolic links followed, inside one; the work folder and the artifact store may not overlap one.
   */
  DATA_ROOTS: z.string().default('./.data/datasets'),
  /** Worker: where datasets fetched from the store are cached by hash (default WORKER_DIR/datasets). */
  DATASET_CACHE_DIR: z.string().optional(),
  /** Worker: size bound of the dataset cache (MiB); least recently used datasets not in use are evicted. */
  DATASET_CACHE_MB: z.coerce.number().int().min(1).max(16_777_216).default(10_240),
  /** API: largest dataset accepted by upload or s3:// registration (MiB). */
  DATASET_MAX_MB: z.coerce.number().int().min(1).max(16_777_216).default(10_240),
  /** API: staging folder of dataset uploads in progress (an upload resumes on the API instance that holds it). */
  UPLOAD_DIR: z.string().default('./.data/uploads'),
  /**
   * API: the dashboard's origins (comma-separated, e.g. `https://driftprune.example.com`), the only ones browsers may
   * call the API from (CORS, WebSocket upgrades) and, in local mode, ask for the dev login from. Default:
   * http://127.0.0.1:WEB_PORT and http://localhost:WEB_PORT.
   */
  CORS_ORIGINS: z
    .string()
    .refine((v) => v.split(',').every((o) => isOrigin(o.trim())), 'CORS_ORIGINS must be comma-separated origins such as https://dashboard.example.com (scheme, host and port; no path)')
    .optional(),
  /**
   * Local mode: the dashboard offers a dev login that hands out a demo admin token without credentials.
   * Off unless asked for: `npm start` turns it on for a single-user machine; never turn it on in a deployment.
   */
  LOCAL_MODE: bool.default(false),
  /** Set by npm to the folder `npm run` was started in: relative paths of scripts run through npm resolve from it. */
  INIT_CWD: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Largest GraphQL request body accepted, in bytes. */
  MAX_REQUEST_BYTES: z.coerce.number().int().positive().default(1_000_000),
  /** Largest GraphQL response sent, in bytes (HTTP body or graphql-ws message); a larger one becomes a coded error. */
  MAX_RESPONSE_BYTES: z.coerce.number().int().min(10_000).default(8_000_000),
  /**
   * API: how long a cached response of a read-only query may be served (ms); 0 turns the response cache off.
   * Writes announce themselves and drop cached responses at once; this bounds staleness for the few that do not
   * (run heartbeats).
   */
  API_RESPONSE_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** API: memory for cached responses (MiB). */
  API_RESPONSE_CACHE_MB: z.coerce.number().int().min(1).max(16_384).default(64),
});
export type Env = z.infer<typeof envSchema>;

/** Validates process.env (or the given record) once; throws a ConfigError naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  return parseConfig(envSchema, cleaned, 'environment');
}

/** Only some variables (a process that needs a few, such as the dashboard's server at request time), validated alike. */
export function loadEnvFields<K extends keyof Env>(keys: readonly K[], source: Record<string, string | undefined> = process.env): Pick<Env, K> {
  const schema = envSchema.pick(Object.fromEntries(keys.map((k) => [k, true])) as never) as unknown as z.ZodType<Pick<Env, K>>;
  const cleaned = Object.fromEntries(keys.map((k) => [k, source[k as string]]).filter(([, v]) => v !== undefined && v !== ''));
  return parseConfig(schema, cleaned, 'environment');
}


/** The dashboard's origins: CORS_ORIGINS, or the local dashboard on WEB_PORT (127.0.0.1 and localhost). */
export function dashboardOrigins(env: Pick<Env, 'CORS_ORIGINS' | 'WEB_PORT'>): string[] {
  if (env.CORS_ORIGINS) return env.CORS_ORIGINS.split(',').map((o) => o.trim());
  return [`http://127.0.0.1:${env.WEB_PORT}`, `http://localhost:${env.WEB_PORT}`];
}
