// Integration-test harness: a uniquely named Postgres database (migrated, dropped after), a unique BullMQ prefix,
// temporary artifact and work folders, the real API server on a free port, and users with tokens in two projects.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { loadEnv, type Env } from '@driftprune/config';
import { createDb, deployMigrations, dropDatabase, ensureDatabase, newApiToken, withDatabase, type Db } from '@driftprune/db';
import { startApiServer, type ApiServer } from '../server.js';

export const repoRoot = resolve(import.meta.dirname, '../../../..');

export interface Harness {
  env: Env;
  db: Db;
  api: ApiServer;
  tmp: string;
  tokens: { admin: string; editor: string; viewer: string; outsider: string };
  projectId: string;
  otherProjectId: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>;
  ws(token: string): Client;
  /** Creates an experiment in the main project through the API (an error fails the test); its id. */
  createExperiment(name: string, config: unknown, token?: string): Promise<string>;
  /** Submits a run of an experiment through the API (an error fails the test); its id. */
  submitRun(experimentId: string, extra?: Record<string, unknown>, token?: string): Promise<string>;
  /** Starts `apps/worker/src/main.ts` as a child process with this harness's env. */
  spawnWorker(extraEnv?: Record<string, string>): ChildProcess;
  close(): Promise<void>;
}

export async function startHarness(name: string, envOverrides: Record<string, string> = {}): Promise<Harness> {
  const suffix = `${name}_${process.pid}_${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const url = withDatabase(base, `dp_test_${suffix}`);
  await ensureDatabase(url);
  await deployMigrations(url);
  const tmp = await mkdtemp(join(tmpdir(), `dp-${name}-`));
  const rawEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: url,
    QUEUE_PREFIX: `dptest_${suffix}`,
    ARTIFACT_STORE: `file:${join(tmp, 'artifacts')}`,
    WORKER_DIR: join(tmp, 'work'),
    UPLOAD_DIR: join(tmp, 'uploads'),
    MAX_REQUEST_BYTES: '200000',
    ...envOverrides,
  };
  const env = loadEnv(rawEnv);
  const db = createDb({ url, poolSize: 10 });
  const api = await startApiServer({ env, db, port: 0, log: () => {} });

  const mkUser = async (email: string) => {
    const u = await db.user.create({ data: { email, name: email.split('@')[0] } });
    const t = newApiToken();
    await db.apiToken.create({ data: { userId: u.id, name: 'test', tokenHash: t.hash, prefix: t.prefix } });
    return { user: u, token: t.token };
  };
  const admin = await mkUser('admin@test.local');
  const editor = await mkUser('editor@test.local');
  const viewer = await mkUser('viewer@test.local');
  const outsider = await mkUser('outsider@test.local');
  const project = await db.project.create({ data: { slug: 'p-main', name: 'Main' } });
  const other = await db.project.create({ data: { slug: 'p-other', name: 'Other' } });
  await db.membership.createMany({
    data: [
      { userId: admin.user.id, projectId: project.id, role: 'admin' },
      { userId: editor.user.id, projectId: project.id, role: 'editor' },
      { userId: viewer.user.id, projectId: project.id, role: 'viewer' },
      { userId: outsider.user.id, projectId: other.id, role: 'admin' },
    ],
  });
  const clients: Client[] = [];
  const children: ChildProcess[] = [];

  const gql: Harness['gql'] = async (query, variables = {}, token = admin.token) => {
    const res = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: any[] };
    return { status: res.status, ...body };
  };

  return {
    env,
    db,
    api,
    tmp,
    tokens: { admin: admin.token, editor: editor.token, viewer: viewer.token, outsider: outsider.token },
    projectId: project.id,
    otherProjectId: other.id,
    gql,
    async createExperiment(name, config, token = admin.token) {
      const r = await gql('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { i: { projectId: project.id, name, config } }, token);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data.createExperiment.id as string;
    },
    async submitRun(experimentId, extra = {}, token = admin.token) {
      const r = await gql('mutation($i: SubmitRunInput!) { submitRun(input: $i) { id } }', { i: { experimentId, ...extra } }, token);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data.submitRun.id as string;
    },
    ws(token) {
      const c = createClient({ url: api.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      clients.push(c);
      return c;
    },
    spawnWorker(extra = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps/worker/src/main.ts')], {
        cwd: repoRoot,
        env: { ...rawEnv, ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d) => process.env.DP_TEST_VERBOSE && process.stderr.write(`[child ${child.pid}] ${d}`));
      child.stderr!.on('data', (d) => process.env.DP_TEST_VERBOSE && process.stderr.write(`[child ${child.pid}] ${d}`));
      children.push(child);
      return child;
    },
    async close() {
      for (const c of clients) await c.dispose();
      for (const ch of children) if (ch.exitCode === null && ch.signalCode === null) ch.kill('SIGKILL');
      await api.close();
      await db.$disconnect();
      await dropDatabase(url);
      const redis = new Redis(env.REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.QUEUE_PREFIX}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns a truthy value, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Settles with `p`, or fails after `ms` naming `what`: a barrier that can never hang a test. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A tiny synthetic experiment: a few hundred ms per run on one core. */
export function tinyConfig(over: { windows?: number; rows?: number; paradigm?: Record<string, unknown>; seed?: number } = {}) {
  const windows = over.windows ?? 5;
  const rows = over.rows ?? 600;
  return {
    name: 'tiny',
    seed: over.seed ?? 1,
    data: { source: 'synthetic', window: `rows:${rows}`, batchSize: 100, hashSize: 200, synthetic: { windows, rowsPerWindow: rows, numDense: 4, numFields: 4, vocabPerField: 100 } },
    model: { embeddingDim: 4, bottomMlp: [16], topMlp: [16] },
    paradigm: over.paradigm ?? { kind: 'd2s', warmupWindows: 1, r: 2 },
    pruning: { budget: 0.5 },
    evaluation: { serving: { batchSizes: [8], iterations: 3 } },
  };
}
