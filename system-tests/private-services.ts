// A private PostgreSQL cluster and a private redis-server for fault tests that restart them (issue 12.9): the
// machine's shared servers serve other tests and people, so a test may never restart those. Debian's binaries
// (/usr/lib/postgresql/*/bin, redis-server) on free ports, in a temporary folder; stop() removes everything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when something accepts TCP connections on the port, or rejects after `ms`. */
async function answers(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing answered on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function pgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

export interface PrivateService {
  url: string;
  /** Stops the server and starts it again on the same port and data (connections in between fail). */
  restart(opts?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Whether this machine can run the private services (else the fault tests fail, naming what is missing). */
export function privateServicesMissing(): string | null {
  if (!pgBin()) return 'PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb; Debian: apt-get install postgresql)';
  if (spawnSync('redis-server', ['--version']).status !== 0) return 'redis-server (Debian: apt-get install redis-server)';
  return null;
}

/** PostgreSQL refuses to run as root: then its commands run as the `postgres` user. */
function pgCommand(bin: string, args: string[]): { cmd: string; args: string[] } {
  if (userInfo().uid !== 0) return { cmd: bin, args };
  return { cmd: 'runuser', args: ['-u', 'postgres', '--', bin, ...args] };
}

function run(bin: string, args: string[], what: string, timeoutMs = 60_000): void {
  const c = pgCommand(bin, args);
  const r = spawnSync(c.cmd, c.args, { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error ?? '')).trim().slice(-1_000)}`);
}

export async function startPrivatePostgres(): Promise<PrivateService> {
  const bin = pgBin();
  if (!bin) throw new Error(`missing: ${privateServicesMissing()}`);
  const dir = await mkdtemp(join(tmpdir(), 'dp-pg-'));
  if (userInfo().uid === 0) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'], 'initdb');
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=32MB`;
  const ctl = (action: string, extra: string[] = []) => run(join(bin, 'pg_ctl'), [action, '-D', data, '-w', '-t', '60', ...extra], `pg_ctl ${action}`);
  const start = async () => {
    ctl('start', ['-o', opts, '-l', join(dir, 'log')]);
    await answers(port, 30_000);
  };
  await start();
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async restart({ downMs = 0 } = {}) {
      // fast: the clients' connections are cut, as a crash or `pg_ctlcluster … restart` does
      ctl('stop', ['-m', 'fast']);
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        ctl('stop', ['-m', 'immediate']);
      } catch {
        // not running
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startPrivateRedis(): Promise<PrivateService> {
  const dir = await mkdtemp(join(tmpdir(), 'dp-redis-'));
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    // append-only file, as a deployment that must not lose its queue runs Redis (BullMQ's advice)
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
    await answers(port, 20_000);
  };
  const halt = async () => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM'); // redis-server shuts down cleanly on TERM (the append-only file is complete)
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart({ downMs = 0 } = {}) {
      await halt();
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
