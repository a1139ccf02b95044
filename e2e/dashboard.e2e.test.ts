// The dashboard end to end, in Debian's Chromium against the real stack (Postgres, Redis, API, one worker, next
// start): dev login, submit a sweep from the form, watch its runs progress and finish, open a run and check its charts
// have data, compare two runs, register a dataset with real stream statistics, submit a long run and cancel it.
// A screenshot of each main page is saved under e2e/test-results/.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeStats, openStream } from '@driftprune/data';
import type { Page } from 'playwright-core';
import { startStack, type Stack } from './stack.js';
import { chartPoints as points, drawnPixels, failOnFailedRun as failOnFailed, pollUntil as poll, watchFaults } from './support.js';

const SMALL_BASE = `
name: e2e sweep
seed: 1
data:
  source: synthetic
  window: rows:1500
  batchSize: 256
  hashSize: 1000
  synthetic: { windows: 5, rowsPerWindow: 1500, numDense: 13, numFields: 8, vocabPerField: 300, shiftEvery: 3 }
model: { embeddingDim: 8, bottomMlp: [32, 16], topMlp: [32, 16] }
paradigm: { kind: adaptive_d2s, warmupWindows: 1, rMin: 1, rMax: 2 }
pruning: { budget: 0.5 }
evaluation: { serving: { batchSizes: [1, 64], iterations: 20 } }
`;

const LONG_RUN = `
name: e2e long run
seed: 3
data:
  source: synthetic
  window: rows:4000
  batchSize: 128
  hashSize: 2000
  synthetic: { windows: 60, rowsPerWindow: 4000, numFields: 8, vocabPerField: 500 }
model: { embeddingDim: 8, bottomMlp: [64, 32], topMlp: [64, 32] }
paradigm: { kind: d2s, warmupWindows: 1, r: 2 }
pruning: { budget: 0.75 }
`;

let stack: Stack;
let page: Page;
let projectId = '';
let experimentUrl = '';

let pageFaults: string[] = [];
const pollUntil = <T,>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 1000) => poll(what, fn, timeoutMs, everyMs, pageFaults);
const failOnFailedRun = (selector: string) => failOnFailed(page, selector);

/** pollUntil on a run's page: the run failing ends the wait at once. */
function pollRunPage<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  return pollUntil(
    what,
    async () => {
      await failOnFailedRun('.page-head .badge-failed');
      return fn();
    },
    timeoutMs,
  );
}

const chartPoints = (title: string) => points(page, title);

async function expectDrawn(title: string, hex: string): Promise<void> {
  await pollUntil(`a ${hex} line in "${title}"`, async () => (await drawnPixels(page, title, hex)) > 30, 10_000, 250);
}

describe('dashboard', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    stack = await startStack('dashboard');
    page = stack.page;
    pageFaults = watchFaults(page);
  });
  afterEach(() => {
    assert.deepEqual(pageFaults.splice(0), [], 'uncaught page errors or CSP violations');
  });
  after(async () => {
    await stack?.close();
  });

  test('sign in with the dev login lands on the demo project', async () => {
    // Security headers (12.7): a per-request CSP with a script nonce and the API as the only other origin, no framing.
    const res = await page.goto(`${stack.webUrl}/sign-in`);
    const headers = res!.headers();
    const csp = headers['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.ok(csp.includes(`connect-src 'self' ${new URL(stack.apiUrl).origin} ws://${new URL(stack.apiUrl).host}`), csp);
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'strict-origin-when-cross-origin');
    const again = (await page.goto(`${stack.webUrl}/sign-in`))!.headers()['content-security-policy'];
    assert.notEqual(again, csp, 'a fresh nonce per response');
    await page.goto(`${stack.webUrl}/projects`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('API token').waitFor();
    await stack.screenshot('01-sign-in');
    // A wrong token is refused with a readable message.
    await page.getByLabel('API token').fill('dp_not_a_real_token');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'does not accept this token' }).waitFor();
    await page.getByRole('button', { name: 'Dev login (demo user)' }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    projectId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: 'Demo project' }).waitFor();
    await page.goto(`${stack.webUrl}/projects`);
    await page.getByRole('link', { name: 'Demo project' }).waitFor();
    await stack.screenshot('02-projects');
  });

  test('submit a sweep from the form, validated in the browser', async () => {
    await page.goto(`${stack.webUrl}/projects/${projectId}/submit/sweep`);
    await page.getByLabel('Experiment name').fill('e2e budget sweep');
    await page.getByText('Load the base experiment config from YAML or JSON').click();
    await page.getByLabel('The base experiment config as YAML or JSON').fill(SMALL_BASE);
    await page.getByRole('button', { name: 'Load into the form' }).click();
    // The form now holds the YAML's values.
    assert.equal(await page.locator('#f-model-bottomMlp').inputValue(), '32, 16');
    // The shared schema's message appears next to the field for a percentage typed as a budget.
    const budget = page.locator('#f-pruning-budget');
    await budget.fill('75');
    await page.getByText('pruning.budget is a fraction, not a percentage').first().waitFor();
    await budget.fill('0.5');
    // Each paradigm's options are explained inline.
    await page.locator('#f-paradigm-kind').selectOption('d2s');
    await page.getByText('every r windows a new sparse serving model is derived').waitFor();
    await page.locator('#f-paradigm-kind').selectOption('adaptive_d2s');
    await page.locator('#f-paradigm-warmupWindows').fill('1');
    await page.locator('#f-paradigm-rMax').fill('2');
    await page.getByLabel('Seeds', { exact: true }).fill('1');
    await page.getByLabel('Parameter 1 values').fill('0.5, 0.75');
    await page.getByTestId('sweep-preview').getByText('2 runs will be queued').waitFor();
    await stack.screenshot('03-submit-sweep');
    await page.getByRole('button', { name: /^Submit sweep/ }).click();
    await page.waitForURL(/\/experiments\/[0-9a-f-]{36}$/);
    experimentUrl = page.url();
    await page.getByRole('heading', { name: 'e2e budget sweep' }).waitFor();
  });

  test('the runs progress live and finish', async () => {
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await pollUntil('two runs in the table', async () => (await rows.count()) === 2, 60_000);
    // Live progress: the page is not reloaded from here on, so every status change below came over the subscription.
    const initial = await page.locator('tr[data-status]').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-status')));
    assert.ok(initial.some((st) => st !== 'succeeded'), `a run is still to finish when the page opens (${initial.join(', ')})`);
    const seen = await pollUntil(
      'a running run (or both finished)',
      async () => {
        await failOnFailedRun('tr[data-status="failed"]');
        return (await page.locator('tr[data-status="running"]').count()) > 0 ? 'running' : (await page.locator('tr[data-status="succeeded"]').count()) === 2 ? 'finished' : null;
      },
      180_000,
      250,
    );
    await stack.screenshot('04-experiment-running');
    if (seen === 'finished') console.error('[e2e] the runs went from queued to succeeded between two looks; no running state was seen');
    await pollUntil(
      'both runs to succeed',
      async () => {
        await failOnFailedRun('tr[data-status="failed"]');
        return (await page.locator('tr[data-status="succeeded"]').count()) === 2;
      },
      420_000,
      2000,
    );
    // Group by the swept parameter: one group per budget with mean ± std over seeds.
    await page.getByLabel('Group by (mean ± std over seeds)').selectOption('pruning.budget');
    const grouped = page.getByRole('table', { name: 'Runs grouped by pruning.budget' });
    await grouped.waitFor();
    assert.equal(await grouped.locator('tbody tr').count(), 2);
    await stack.screenshot('05-experiment-done');
    // Filter by a config parameter.
    await page.getByLabel('Filter by parameter').selectOption('pruning.budget');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByRole('group', { name: 'pruning.budget' }).getByLabel('0.75').check();
    await pollUntil('the filter to leave one run', async () => (await rows.count()) === 1, 5000, 200);
    await page.getByRole('button', { name: 'remove filter' }).click();
    await page.getByLabel('Group by (mean ± std over seeds)').selectOption('');
  });

  test('a run page shows its charts with data, refresh log, artifacts and config', async () => {
    await page.getByTestId('runs-table').locator('tbody tr').first().getByRole('link').first().click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await page.getByText('succeeded').first().waitFor();
    const ne = await pollUntil('NE points', async () => (await chartPoints('NE per window: dense vs serving')) || null, 20_000);
    assert.ok(ne >= 5, `NE chart has ${ne} points`);
    assert.ok((await chartPoints('ΔNE % (serving vs dense) with refreshes')) > 0, 'ΔNE chart has data');
    // uPlot is loaded lazily: data-points is set before its canvas exists, so wait for the canvas (bounded).
    await page.locator('figure[data-chart="NE per window: dense vs serving"] .uplot canvas').first().waitFor({ timeout: 20_000 });
    assert.ok((await page.locator('table.heatmap tbody td').count()) > 0, 'the width heatmap has cells');
    assert.ok((await chartPoints('Serving throughput, batch 64: dense vs sparse')) > 0, 'serving throughput has data');
    assert.ok((await chartPoints('Training throughput')) > 0, 'training throughput has data');
    await expectDrawn('NE per window: dense vs serving', '#1f5fa8');
    await expectDrawn('NE per window: dense vs serving', '#d9480f');
    await expectDrawn('ΔNE % (serving vs dense) with refreshes', '#7b2cbf');
    await expectDrawn('Serving throughput, batch 64: dense vs sparse', '#d9480f');
    await expectDrawn('Training throughput', '#0b7285');
    await stack.screenshot('06-run');
    // Keyboard: arrow keys move between the tabs.
    await page.getByRole('tab', { name: 'Charts' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: /Refresh log/ }).getAttribute('aria-selected'), 'true');
    assert.ok((await page.getByTestId('refresh-log').locator('tbody tr').count()) > 0, 'refreshes are logged');
    await stack.screenshot('07-run-refresh-log');
    await page.getByRole('tab', { name: /Artifacts/ }).click();
    const artifacts = page.getByTestId('artifacts').locator('tbody tr');
    assert.ok((await artifacts.count()) > 0, 'artifacts are listed');
    const [download] = await Promise.all([page.waitForEvent('download'), artifacts.first().getByRole('button', { name: /^Download/ }).click()]);
    const saved = await download.path();
    assert.ok(saved, 'the artifact downloaded');
    await page.getByRole('tab', { name: 'Config' }).click();
    assert.match(await page.getByTestId('run-config').innerText(), /adaptive_d2s/);
    await page.getByRole('tab', { name: 'Logs' }).click();
    const runLog = await page.getByTestId('run-log').innerText();
    assert.match(runLog, /refresh at window \d+/);
    assert.match(runLog, /succeeded/);
    await stack.screenshot('07b-run-log');
  });

  test('compare two runs: overlaid curves and the config diff', async () => {
    await page.goto(experimentUrl);
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await pollUntil('the runs table', async () => (await rows.count()) === 2, 30_000);
    for (let i = 0; i < 2; i++) await rows.nth(i).getByRole('checkbox').check();
    await page.getByRole('link', { name: 'Compare selected (2)' }).click();
    await page.waitForURL(/\/compare\?runs=/);
    await page.getByTestId('compare-summary').locator('tbody tr').nth(1).waitFor();
    const diff = await page.getByTestId('config-diff').innerText();
    assert.match(diff, /pruning\.budget/);
    // Two runs of 5 windows, serving evaluated after the 1 warm-up window: 4 points each.
    assert.ok((await chartPoints('Serving NE per window')) >= 8, 'both runs are drawn');
    await expectDrawn('Serving NE per window', '#0072B2');
    await expectDrawn('Serving NE per window', '#D55E00');
    await stack.screenshot('08-compare');
  });

  test('datasets show stream statistics and drift per window', async () => {
    // Real statistics of a small synthetic stream, computed by the data package, registered through the form.
    const stream = await openStream({ source: 'synthetic', window: 'rows:1000', synthetic: { windows: 6, rowsPerWindow: 1000, numFields: 6, vocabPerField: 200, shiftEvery: 3 } });
    const stats = await computeStats(stream);
    await page.goto(`${stack.webUrl}/projects/${projectId}/datasets`);
    await page.getByLabel('Name').fill('synthetic drift (e2e)');
    await page.getByLabel('Statistics (JSON, optional)').fill(JSON.stringify(stats));
    await page.getByRole('button', { name: 'Register dataset' }).click();
    await page.getByRole('heading', { name: /synthetic drift \(e2e\)/ }).waitFor();
    assert.ok((await chartPoints('Drift per window (PSI vs previous window)')) > 0);
    await expectDrawn('Drift per window (PSI vs previous window)', '#7b2cbf');
    await expectDrawn('Label rate and new-id share per window', '#1f5fa8');
    await stack.screenshot('09-datasets');
  });

  test('cancel a running run', async () => {
    await page.goto(`${stack.webUrl}/projects/${projectId}/submit/run`);
    await page.getByLabel('Experiment name').fill('e2e cancel');
    await page.getByText('Load the experiment config from YAML or JSON').click();
    await page.getByLabel('The experiment config as YAML or JSON').fill(LONG_RUN);
    await page.getByRole('button', { name: 'Load into the form' }).click();
    await page.getByText('The config is valid.').waitFor();
    await stack.screenshot('10-submit-run');
    await page.getByRole('button', { name: 'Submit run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await pollRunPage('the run to start', async () => (await page.locator('.page-head .badge-running').count()) > 0, 120_000);
    await pollRunPage('progress above 0 %', async () => Number(await page.getByRole('progressbar', { name: 'run progress' }).getAttribute('aria-valuenow')) > 0, 120_000);
    await stack.screenshot('11-run-live');
    // Server-side downsampling, live: with 2 points per model the series comes back as buckets, and it is fetched
    // again as new windows stream in over the subscription.
    await pollRunPage('three windows', async () => Number(await page.getByRole('progressbar', { name: 'run progress' }).getAttribute('aria-valuenow')) >= 5, 180_000);
    await page.goto(`${page.url()}?maxPoints=2`);
    const note = page.getByTestId('downsampled-note');
    await note.waitFor();
    const before = Number(await note.getAttribute('data-total-points'));
    assert.ok((await chartPoints('NE per window: dense vs serving')) <= 4, 'at most 2 points per model');
    await pollRunPage('the downsampled series to follow new windows', async () => Number(await note.getAttribute('data-total-points')) > before, 90_000);
    await stack.screenshot('11b-run-live-downsampled');
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await pollRunPage('the run to be cancelled', async () => (await page.locator('.page-head .badge-cancelled').count()) > 0, 120_000);
    await stack.screenshot('12-run-cancelled');
  });

  test('workers and the project-wide runs list', async () => {
    await page.goto(`${stack.webUrl}/workers`);
    await page.getByTestId('workers').locator('tbody tr[data-alive="true"]').first().waitFor();
    await stack.screenshot('13-workers');
    await page.goto(`${stack.webUrl}/projects/${projectId}/runs`);
    await pollUntil('three runs', async () => (await page.getByTestId('runs-table').locator('tbody tr').count()) === 3, 30_000);
    await stack.screenshot('14-runs');
    await page.goto(`${stack.webUrl}/projects/${projectId}`);
    await page.getByRole('link', { name: 'e2e budget sweep' }).waitFor();
    await stack.screenshot('15-experiments');
  });

  test('narrow screens: the navigation wraps and the pages stay usable', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(experimentUrl);
      await page.getByTestId('runs-table').locator('tbody tr').first().waitFor();
      await stack.screenshot('16-experiment-narrow');
      await page.getByTestId('runs-table').locator('tbody tr').first().getByRole('link').first().click();
      await page.waitForURL(/\/runs\//);
      await expectDrawn('NE per window: dense vs serving', '#1f5fa8');
      const width = await page.locator('figure[data-chart="NE per window: dense vs serving"] canvas').first().evaluate((c) => c.getBoundingClientRect().width);
      assert.ok(width <= 390, `the chart fits the screen (${width}px)`);
      await stack.screenshot('17-run-narrow');
    } finally {
      await page.setViewportSize({ width: 1360, height: 900 });
    }
  });
});
