// The platform the comparison runs on: the real API and workers (as scripts/start.sh starts them), in their own
// database and queue prefix, or an already running deployment (--api, --token). Talks to it through GraphQL only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface Platform {
  api: string;
  token: string;
  projectId: string;
  /** Stops what this process started (nothing when it connected to a running deployment). */
  stop(): Promise<void>;
}

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
  ) {
    super(message);
    this.name = 'GraphQLError';
  }
}

/**
 * One GraphQL request. Network failures and 5xx answers are retried (a run of the comparison lasts an hour or more, and
 * an API restart should not lose it); GraphQL errors are not, they throw with their codes.
 */
export async function gql<T>(p: Pick<Platform, 'api' | 'token'>, query: string, variables: Record<string, unknown> = {}, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let res: Response | undefined;
    let failure = '';
    try {
      res = await fetch(p.api, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${p.token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (e) {
      failure = e instanceof Error ? `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}` : String(e);
    }
    if (res && res.status < 500) {
      const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
      if (body.errors?.length)
        throw new GraphQLError(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '), body.errors.map((e) => e.extensions?.code ?? 'ERROR'));
      if (!body.data) throw new GraphQLError(`HTTP ${res.status} without data`, ['NO_DATA']);
      return body.data;
    }
    if (res) failure = `HTTP ${res.status}`;
    if (attempt >= attempts) throw new GraphQLError(`${p.api}: ${failure} (after ${attempts} attempts)`, ['UNREACHABLE']);
    await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
  }
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Runs a command to completion; its stdout, or an error with the tail of its output. */
function runToEnd(cmd: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${(err || out).slice(-2000)}`))));
  });
}

export interface StartOptions {
  repoRoot: string;
  /** Where the stack keeps its artifacts, work folders and logs. */
  dir: string;
  workers: number;
  /** Postgres database of this comparison (created and migrated when missing); kept, so that a rerun resumes. */
  databaseUrl: string;
  queuePrefix: string;
  /** Folders runs may read data from. */
  dataRoots: string[];
  /** nice(1) level of the workers (the API stays at the caller's). */
  niceness: number;
  log: (line: string) => void;
}

/**
 * Starts the platform the way scripts/start.sh does (without the dashboard): database created and migrated, the API on
 * a free port, `workers` workers of one run each, the demo user's token (apps/api/src/seed.ts).
 */
export async function startPlatform(o: StartOptions): Promise<Platform> {
  const logs = join(o.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: o.databaseUrl,
    QUEUE_PREFIX: o.queuePrefix,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    ARTIFACT_STORE: `file:${join(o.dir, 'artifacts')}`,
    WORKER_DIR: join(o.dir, 'work'),
    DATA_ROOTS: o.dataRoots.join(','),
    UPLOAD_DIR: join(o.dir, 'uploads'),
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'info',
  };
  const node = process.execPath;
  await runToEnd(node, ['scripts/ensure-db.mjs'], { cwd: o.repoRoot, env });
  await runToEnd(node, ['--import', 'tsx', 'packages/db/src/migrate/cli.ts', 'deploy'], { cwd: o.repoRoot, env });
  const children: ChildProcess[] = [];
  const launch = (name: string, args: string[], nice: number) => {
    const fd = openSync(join(logs, `${name}.log`), 'a');
    const [cmd, argv] = nice > 0 ? ['nice', ['-n', String(nice), node, ...args]] : [node, args];
    const child = spawn(cmd, argv, { cwd: o.repoRoot, env, stdio: ['ignore', fd, fd], detached: true });
    children.push(child);
    o.log(`${name} started (pid ${child.pid}, log ${join(logs, `${name}.log`)})`);
    return child;
  };
  const stop = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  };
  try {
    const api = launch('api', ['--import', 'tsx', 'apps/api/src/main.ts'], 0);
    const url = `http://127.0.0.1:${port}`;
    for (let t0 = Date.now(); ; ) {
      if (api.exitCode !== null) throw new Error(`the API exited (${api.exitCode}); see ${join(logs, 'api.log')}`);
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() - t0 > 120_000) throw new Error(`the API did not answer on ${url}/health within 120 s`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const seeded = await runToEnd(node, ['--import', 'tsx', 'apps/api/src/seed.ts'], { cwd: o.repoRoot, env });
    const token = /^DRIFTPRUNE_TOKEN=(\S+)$/m.exec(seeded)?.[1];
    if (!token) throw new Error('apps/api/src/seed.ts printed no DRIFTPRUNE_TOKEN');
    for (let i = 1; i <= o.workers; i++) launch(`worker-${i}`, ['--import', 'tsx', 'apps/worker/src/main.ts'], o.niceness);
    const p = { api: `${url}/graphql`, token };
    const projectId = await demoProject(p);
    return { ...p, projectId, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The project the seeded demo user administers. */
export async function demoProject(p: Pick<Platform, 'api' | 'token'>): Promise<string> {
  const r = await gql<{ projects: { id: string; slug: string; role: string }[] }>(p, '{ projects { id slug role } }');
  const project = r.projects.find((x) => x.slug === 'demo') ?? r.projects.find((x) => x.role === 'admin' || x.role === 'editor');
  if (!project) throw new Error('the token has no project it may submit to');
  return project.id;
}
