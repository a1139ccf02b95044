// Issue 12.7: closing the terminal of `npm start` (SIGHUP to scripts/start.sh) must stop every service and their
// children. start.sh launches and stops its services through scripts/supervise.sh; this test runs that code with
// three small services, each with a child of its own (as npm → node), sends the shell SIGHUP (and, separately,
// SIGINT) and checks that no process survives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const scripts = resolve(import.meta.dirname);

/** A service: starts a child that runs forever, writes "ownPid childPid" to its pid file, then runs forever too. */
const SERVICE = `const {spawn}=require('node:child_process');const c=spawn(process.execPath,['-e','setInterval(()=>{},1e3)'],{stdio:'ignore'});require('node:fs').writeFileSync(process.argv[1],process.pid+' '+c.pid);setInterval(()=>{},1e3);`;

function alive(pid: number): boolean {
  try {
    // a zombie (exited, not yet reaped by its new parent) counts as gone
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopsEverythingOn(signal: 'SIGHUP' | 'SIGINT' | 'SIGTERM') {
  const dir = await mkdtemp(join(tmpdir(), 'dp-supervise-'));
  const names = ['api', 'worker', 'web'];
  const script = [
    'set -euo pipefail',
    `source ${JSON.stringify(join(scripts, 'lib.sh'))}`,
    `source ${JSON.stringify(join(scripts, 'supervise.sh'))}`,
    ...names.map((n) => `launch ${n} ${JSON.stringify(join(dir, `${n}.log`))} ${JSON.stringify(process.execPath)} -e ${JSON.stringify(SERVICE)} ${JSON.stringify(join(dir, `${n}.pids`))}`),
    'watch_services',
  ].join('\n');
  await writeFile(join(dir, 'platform.sh'), script);
  const shell = spawn('bash', [join(dir, 'platform.sh')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  shell.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => shell.on('exit', (code) => r(code)));
  const pids: number[] = [];
  try {
    await until('every service and its child to start', async () => {
      const files = await Promise.all(names.map((n) => readFile(join(dir, `${n}.pids`), 'utf8').catch(() => '')));
      if (files.some((f) => !f)) return false;
      pids.push(...files.flatMap((f) => f.split(' ').map(Number)));
      return true;
    }, 20_000);
    assert.equal(pids.length, 6);
    assert.ok(pids.every(alive));
    shell.kill(signal);
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    assert.notEqual(code, 'hung', `the shell did not exit after ${signal}: ${stderr}`);
    await until('no service or child left', () => pids.every((p) => !alive(p)), 5_000).catch(() => {});
    assert.deepEqual(pids.filter(alive), [], `left running after ${signal}: ${stderr}`);
    assert.match(stderr, /stopping api worker web/);
  } finally {
    if (shell.exitCode === null) shell.kill('SIGKILL');
    for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

test('SIGHUP to the platform script (its terminal closed) stops every service and their children', () => stopsEverythingOn('SIGHUP'));
test('SIGINT (Ctrl-C) and SIGTERM do too', async () => {
  await stopsEverythingOn('SIGINT');
  await stopsEverythingOn('SIGTERM');
});
test('start.sh launches its services through supervise.sh', async () => {
  const start = await readFile(join(scripts, 'start.sh'), 'utf8');
  assert.match(start, /^source scripts\/supervise\.sh$/m);
  assert.equal((start.match(/^launch (api|worker|web) /gm) ?? []).length, 3);
  assert.doesNotMatch(start, /setsid|&\s*$/m, 'no service started outside launch');
});
