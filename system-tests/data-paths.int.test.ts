// data.path through the real API and a real worker process: only files inside DATA_ROOTS are read; /etc/passwd,
// another run's metrics.jsonl in the work folder and a symbolic link out of the root fail at once (no retry) with a
// coded message that holds none of the file's content.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startHarness, tinyConfig, waitFor, type Harness } from '@driftprune/api/testing';

let h: Harness;
let dataRoot: string;
before(async () => {
  h = await startHarness('datapaths', { WORKER_HEARTBEAT_MS: '300' });
  dataRoot = join(h.tmp, 'data');
  await mkdir(dataRoot, { recursive: true });
  // a small CSV stream: label, a time in unix seconds, two categorical columns
  const lines = ['label,ts,user,item'];
  for (let i = 0; i < 400; i++) lines.push(`${i % 3 === 0 ? 1 : 0},${1_700_000_000 + i * 60},u${i % 17},i${(i * 7) % 23}`);
  await writeFile(join(dataRoot, 'clicks.csv'), lines.join('\n') + '\n');
  h.spawnWorker({ DATA_ROOTS: dataRoot });
});
after(async () => {
  await h?.close();
});

const csvConfig = (path: string, csv: Record<string, unknown>) => ({
  ...tinyConfig(),
  data: { source: 'csv', path, window: 'rows:100', batchSize: 50, hashSize: 64, csv },
  paradigm: { kind: 'dense', warmupWindows: 1 },
});
const clicksMapping = { label: 'label', time: 'ts', categorical: ['user', 'item'] };
// /etc/passwd read as a ':'-separated CSV whose header would be its first line
const passwdMapping = { delimiter: ':', label: 'root', categorical: ['x'] };

async function finished(runId: string) {
  return waitFor(`run ${runId} to finish`, async () => {
    const r = await h.gql('query($id: ID!) { run(id: $id) { status error attempts } }', { id: runId });
    const run = r.data?.run;
    return run && ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : null;
  }, 120_000, 200);
}

test('a CSV inside the data root runs; the same data by absolute path too', async () => {
  const exp = await h.createExperiment('inside', csvConfig('clicks.csv', clicksMapping));
  const rel = await finished(await h.submitRun(exp));
  assert.equal(rel.status, 'succeeded', rel.error);
  const abs = await finished(await h.submitRun(exp, { config: csvConfig(join(dataRoot, 'clicks.csv'), clicksMapping) }));
  assert.equal(abs.status, 'succeeded', abs.error);
});

test('/etc/passwd, another run’s metrics and a link out of the root fail once, coded, without their content', async () => {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const firstLine = passwd.split('\n')[0];
  // another run's files in the worker's work folder
  const exp = await h.createExperiment('victim', tinyConfig({ windows: 2 }));
  const victim = await finished(await h.submitRun(exp));
  assert.equal(victim.status, 'succeeded');
  const victimRun = (await h.db.run.findFirst({ where: { experimentId: exp }, select: { id: true } }))!;
  const metrics = join(h.env.WORKER_DIR, 'runs', victimRun.id, 'metrics.jsonl');
  const metricsText = await readFile(metrics, 'utf8').catch(() => '');
  await symlink('/etc/passwd', join(dataRoot, 'innocent.csv'));

  const attacks: [string, string, Record<string, unknown>][] = [
    ['/etc/passwd', '/etc/passwd', passwdMapping],
    ['relative escape', '../../../../../../../../etc/passwd', passwdMapping],
    ['metrics of another run', metrics, { label: 'window', categorical: ['model'] }],
    ['work folder, relative', `../work/runs/${victimRun.id}/metrics.jsonl`, { label: 'window', categorical: ['model'] }],
    ['symbolic link out', 'innocent.csv', passwdMapping],
  ];
  for (const [what, path, csv] of attacks) {
    const expId = await h.createExperiment(`attack ${what}`, csvConfig(path, csv));
    const run = await finished(await h.submitRun(expId, { maxAttempts: 3 }));
    assert.equal(run.status, 'failed', what);
    assert.equal(run.attempts, 1, `${what}: a path error is not retried`);
    assert.match(run.error, /outside the data roots/, what);
    assert.ok(!run.error.includes(firstLine), `${what}: the error shows no line of /etc/passwd`);
    assert.ok(!/root:x:0|daemon|nologin/.test(run.error), `${what}: ${run.error}`);
    if (metricsText) assert.ok(!run.error.includes(metricsText.slice(0, 40)), what);
    assert.ok(!run.error.split(path).join('').includes(h.tmp), `${what}: no server folder but the one given in the error: ${run.error}`);
  }
  // a path under the root that does not exist: named as such
  const missing = await finished(await h.submitRun(await h.createExperiment('missing', csvConfig('nope.csv', clicksMapping))));
  assert.equal(missing.status, 'failed');
  assert.equal(missing.attempts, 1);
  assert.match(missing.error, /'nope.csv' does not exist under the data roots/);
});
