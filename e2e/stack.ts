// Starts the whole platform for one e2e test file and tears it down again: a uniquely named Postgres database
// (created, migrated with `npm run db:migrate`, dropped after), a unique Redis key prefix (deleted after), the API,
// one worker and the dashboard (`next start`) on free ports, and Debian's Chromium through playwright-core with a
// fresh profile. Child output goes to e2e/test-results/logs/ so a failure can be read afterwards.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { dropDatabase, ensureDatabase, withDatabase } from '@driftprune/db';

export const repoRoot = resolve(import.meta.dirname, '..');
export const resultsDir = join(repoRoot, 'e2e', 'test-results');
const webDir = join(repoRoot, 'apps', 'web');
/** Debian's Chromium (apt-get install -y chromium), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless, no sandbox (root in CI containers), nothing fetched in the background. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Stack {
  apiUrl: string;
  webUrl: string;
  databaseUrl: string;
  queuePrefix: string;
  browser: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot as e2e/test-results/<name>.png and returns its path. */
  screenshot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

const log = (m: string) => console.error(`[e2e] ${m}`);

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const c = connect({ host, port });
    c.setTimeout(1000);
    c.on('connect', () => (c.end(), res(true)));
    c.on('error', () => res(false));
    c.on('timeout', () => (c.destroy(), res(false)));
  });
}

/** Postgres and Redis must answer; scripts/services.sh starts (or installs) them when they don't. */
async function ensureServices(databaseBase: string, redisUrl: string): Promise<void> {
  const pg = new URL(databaseBase);
  const rd = new URL(redisUrl);
  const up = async () => (await answers(pg.hostname, Number(pg.port || 5432))) && (await answers(rd.hostname, Number(rd.port || 6379)));
  if (await up()) return;
  log('Postgres or Redis does not answer: running scripts/services.sh');
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'services.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !(await up())) throw new Error(`Postgres (${pg.host}) or Redis (${rd.host}) is not reachable and scripts/services.sh could not start them`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

/** `next build` when there is no build or the dashboard's sources (or the config package) changed since. */
function ensureWebBuild(): void {
  const buildId = join(webDir, '.next', 'BUILD_ID');
  const sources = Math.max(newestMtime(join(webDir, 'src')), newestMtime(join(repoRoot, 'packages', 'config', 'src')), statSync(join(webDir, 'next.config.ts')).mtimeMs);
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  log('building the dashboard (next build --webpack); this takes a few minutes on 2 cores');
  const t0 = Date.now();
  const r = spawnSync('npm', ['run', '--silent', 'build', '-w', '@driftprune/web'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  log(`dashboard built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

function startChild(name: string, args: string[], env: Record<string, string>, cwd = repoRoot): ChildProcess {
  mkdirSync(join(resultsDir, 'logs'), { recursive: true });
  const out = createWriteStream(join(resultsDir, 'logs', `${name}.log`));
  // A process group of its own, so teardown ends the child and anything it started.
  const child = spawn(args[0], args.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  child.on('exit', (code, sig) => out.write(`\n[e2e] ${name} exited: code ${code} signal ${sig}\n`));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 8000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited (code ${child.exitCode}); see e2e/test-results/logs`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s; see e2e/test-results/logs`);
}

export async function startStack(name: string): Promise<Stack> {
  const suffix = `${name}_${process.pid}_${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  await ensureServices(base, redisUrl);
  const databaseUrl = withDatabase(base, `dp_e2e_${suffix}`);
  const queuePrefix = `dpe2e_${suffix}`;
  const tmp = await mkdtemp(join(tmpdir(), `dp-e2e-${name}-`));
  const children: ChildProcess[] = [];
  let browser: BrowserContext | null = null;

  const close = async () => {
    await browser?.close().catch(() => {});
    for (const c of children.reverse()) await stopChild(c);
    await dropDatabase(databaseUrl).catch((e) => log(`could not drop ${databaseUrl}: ${e}`));
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    await rm(tmp, { recursive: true, force: true });
  };

  try {
    await ensureDatabase(databaseUrl);
    const migrate = spawnSync('npm', ['run', '--silent', 'db:migrate'], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
    if (migrate.status !== 0) throw new Error(`npm run db:migrate failed (exit ${migrate.status}):\n${migrate.stderr}`);
    ensureWebBuild();

    const [apiPort, webPort] = [await freePort(), await freePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const webUrl = `http://127.0.0.1:${webPort}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PUBLIC_API_URL: apiUrl,
      // the API answers browsers from the dashboard's origin only (CORS_ORIGINS defaults to this port's)
      WEB_PORT: String(webPort),
      LOCAL_MODE: 'true',
      ARTIFACT_STORE: `file:${join(tmp, 'artifacts')}`,
      WORKER_DIR: join(tmp, 'work'),
      WORKER_CONCURRENCY: '1',
      WORKER_HEARTBEAT_MS: '1000',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    const tsx = [process.execPath, '--import', 'tsx'];
    const api = startChild('api', [...tsx, join(repoRoot, 'apps/api/src/main.ts')], env);
    children.push(api);
    const worker = startChild('worker', [...tsx, join(repoRoot, 'apps/worker/src/main.ts')], env);
    children.push(worker);
    const web = startChild('web', [process.execPath, join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(webPort)], env, webDir);
    children.push(web);
    await waitFor('the API', async () => (await fetch(`http://127.0.0.1:${apiPort}/health`)).ok, 60_000, api);
    await waitFor('the dashboard', async () => (await fetch(`${webUrl}/sign-in`)).ok, 60_000, web);
    log(`stack up: api ${apiUrl}, web ${webUrl}, db ${databaseUrl.replace(/^.*\//, '')}`);

    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
    browser = await chromium.launchPersistentContext(join(tmp, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(30_000);
    mkdirSync(resultsDir, { recursive: true });
    return {
      apiUrl,
      webUrl,
      databaseUrl,
      queuePrefix,
      browser,
      page,
      async screenshot(shot, p = page) {
        const path = join(resultsDir, `${shot}.png`);
        await p.screenshot({ path, fullPage: true });
        return path;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
