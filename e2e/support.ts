// What the e2e files share: bounded waits that end at once on a fault, page-fault collection (uncaught errors and
// CSP violations fail the test they happen in), chart probes, downloads read back, and screenshots for looking at.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** An error that ends a wait at once (a run failed, the page threw): waiting longer cannot make it pass. */
export class Fatal extends Error {}

/** Collects the page's uncaught errors and CSP violations; the caller asserts the list is empty after each test. */
export function watchFaults(page: Page): string[] {
  const faults: string[] = [];
  page.on('pageerror', (e) => {
    console.error(`[browser] page error: ${e.message}`);
    faults.push(`page error: ${e.message}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) faults.push(`CSP violation: ${m.text()}`);
  });
  return faults;
}

export async function pollUntil<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 1000, faults: readonly string[] = []): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    if (faults.length) throw new Fatal(`the page faulted while waiting for ${what}: ${faults.join('; ')}`);
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e; // the page may be between renders (a detached element); look again
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Fails at once (Fatal) when `selector` shows a failed run, with the run's error when the page shows it (a run
 * page's error panel, or a runs table row, whose status cell carries the error). */
export async function failOnFailedRun(page: Page, selector: string): Promise<void> {
  if ((await page.locator(selector).count()) > 0) {
    const error =
      (await page.getByTestId('run-error').first().innerText({ timeout: 1000 }).catch(() => '')) ||
      (await page.locator(selector).first().innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
    throw new Fatal(`a run failed${error ? `: ${error}` : ''}; see e2e/test-results/logs/worker.log`);
  }
}

export async function chartPoints(page: Page, title: string): Promise<number> {
  const fig = page.locator(`figure[data-chart="${title}"]`);
  await fig.waitFor();
  return Number(await fig.getAttribute('data-points'));
}

/** Pixels of the chart's canvas close to a series colour: proof that uPlot drew the line, not just the frame. */
export async function drawnPixels(page: Page, title: string, hex: string): Promise<number> {
  const fig = page.locator(`figure[data-chart="${title}"]`);
  return fig.evaluate((el, color) => {
    const canvas = el.querySelector('canvas');
    if (!canvas || canvas.width === 0) return 0;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 60) n++;
    return n;
  }, hex);
}

/** Clicks `click` and returns the downloaded file's name and text. */
export async function downloadText(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), click()]);
  const path = await download.path();
  if (!path) throw new Error(`the download ${download.suggestedFilename()} did not complete: ${await download.failure()}`);
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Where screenshots to look at go (besides e2e/test-results): WEB_SHOTS_DIR, default /tmp/web-shots. */
export const shotsDir = process.env.WEB_SHOTS_DIR ?? '/tmp/web-shots';

/** A full-page screenshot at the current viewport, saved as <shotsDir>/<name>.png. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(shotsDir, { recursive: true });
  const path = join(shotsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
