// GET /metrics: Prometheus text format (version 0.0.4) for an autoscaler and dashboards. Per run queue: jobs by
// state, depth (jobs no worker holds yet) and the age of the oldest of them; runs by status; workers alive and
// draining, run slots busy and total; Redis memory. Everything is read at scrape time (a few Redis round trips per
// queue and one grouped count on Postgres), so a scrape every 15 s costs little.
import { timingSafeEqual } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { runCountsByStatus } from '@driftprune/db';
import type { ApiServices } from './context.js';
import { allWorkerLiveStates } from './worker-fleet.js';

const JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed', 'completed'] as const;
const WAITING_STATES = ['waiting', 'prioritized', 'delayed'] as const;
/** Jobs looked at for the oldest age, per queue: beyond this the age is of the oldest among these. */
const AGE_SCAN_LIMIT = 100_000;

/** A job's enqueue time: run jobs' ids end in `.<Date.now() base 36>` (runJobOptions); others are read. */
function enqueuedAtFromId(id: string): number | null {
  const dot = id.lastIndexOf('.');
  if (dot < 0) return null;
  const t = parseInt(id.slice(dot + 1), 36);
  return Number.isFinite(t) && t > 1e12 && t < 1e14 ? t : null;
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

class Exposition {
  private readonly lines: string[] = [];
  private readonly declared = new Set<string>();
  gauge(name: string, help: string, value: number, labels: Record<string, string> = {}): void {
    if (!this.declared.has(name)) {
      this.declared.add(name);
      this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    }
    const ls = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`);
    this.lines.push(`${name}${ls.length ? `{${ls.join(',')}}` : ''} ${Number.isFinite(value) ? value : 'NaN'}`);
  }
  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export async function collectMetrics(services: ApiServices, now = Date.now()): Promise<string> {
  const started = process.hrtime.bigint();
  const m = new Exposition();
  for (const name of await services.queues.queueNames()) {
    const q = services.queues.get(name);
    const counts = await q.getJobCounts(...JOB_STATES);
    for (const state of JOB_STATES) m.gauge('driftprune_queue_jobs', 'Jobs of a run queue by state.', counts[state] ?? 0, { queue: name, state });
    const depth = WAITING_STATES.reduce((s, st) => s + (counts[st] ?? 0), 0);
    m.gauge('driftprune_queue_depth', 'Jobs of a run queue that no worker holds yet (waiting, prioritized, delayed): what an autoscaler scales on.', depth, { queue: name });
    let oldest: number | null = null;
    if (depth > 0) {
      const ids = await q.getRanges([...WAITING_STATES], 0, AGE_SCAN_LIMIT - 1);
      let unreadable = 0;
      for (const id of ids) {
        let t = enqueuedAtFromId(id);
        if (t === null && unreadable++ < 100) t = (await q.getJob(id))?.timestamp ?? null;
        if (t !== null && (oldest === null || t < oldest)) oldest = t;
      }
    }
    m.gauge('driftprune_queue_oldest_job_age_seconds', 'Age of the oldest job of a run queue that no worker holds yet (0 when none).', oldest === null ? 0 : Math.max(0, (now - oldest) / 1000), { queue: name });
  }
  for (const s of await runCountsByStatus(services.db)) m.gauge('driftprune_runs', 'Runs by status (all projects).', s.count, { status: s.status });
  const workers = await allWorkerLiveStates(services.redis, services.prefix);
  const draining = workers.filter((w) => w.drainingSince !== null);
  m.gauge('driftprune_workers', 'Workers with a fresh heartbeat, by state.', workers.length - draining.length, { state: 'serving' });
  m.gauge('driftprune_workers', 'Workers with a fresh heartbeat, by state.', draining.length, { state: 'draining' });
  m.gauge('driftprune_worker_slots', 'Run slots of the workers with a fresh heartbeat: busy, and total (their WORKER_CONCURRENCY) of those not draining.', workers.reduce((s, w) => s + w.busy, 0), { state: 'busy' });
  m.gauge('driftprune_worker_slots', 'Run slots of the workers with a fresh heartbeat: busy, and total (their WORKER_CONCURRENCY) of those not draining.', workers.filter((w) => w.drainingSince === null).reduce((s, w) => s + w.concurrency, 0), { state: 'total' });
  const info = await services.redis.info('memory');
  const used = /^used_memory:(\d+)/m.exec(info);
  if (used) m.gauge('driftprune_redis_used_memory_bytes', 'Memory Redis uses (INFO memory used_memory): queued jobs, events, caches.', Number(used[1]));
  m.gauge('driftprune_metrics_scrape_seconds', 'Time this scrape took.', Number(process.hrtime.bigint() - started) / 1e9);
  return m.text();
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const got = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Mounts GET /metrics; with a token (METRICS_TOKEN) only callers that send it as a bearer token are answered. */
export function mountMetrics(app: Express, services: ApiServices, token: string | undefined, log: (m: string) => void): void {
  app.get('/metrics', async (req: Request, res: Response) => {
    if (token && !tokenMatches(req.headers.authorization, token)) return void res.status(401).type('text/plain').send('metrics need Authorization: Bearer <METRICS_TOKEN>\n');
    try {
      res.type('text/plain; version=0.0.4; charset=utf-8').send(await collectMetrics(services));
    } catch (e) {
      log(`/metrics failed: ${(e as Error).message}`);
      res.status(503).type('text/plain').send(`metrics unavailable: ${(e as Error).message}\n`);
    }
  });
}
