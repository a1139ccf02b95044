// The e2e suites fail on the page's own faults (issue 12.11), checked in Chromium itself: an uncaught error and an
// unhandled rejection in the page are collected by watchFaults and end a wait at once, instead of the wait running
// out its time or the test passing over them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './stack.js';
import { Fatal, pollUntil, watchFaults } from './support.js';

let browser: Browser;
let page: Page;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage();
});
after(async () => {
  await browser?.close();
});

for (const [what, script, message] of [
  ['an uncaught error', 'setTimeout(() => { throw new Error("deliberate fault") }, 200)', 'deliberate fault'],
  ['an unhandled rejection', 'setTimeout(() => { Promise.reject(new Error("deliberate rejection")) }, 200)', 'deliberate rejection'],
] as const) {
  test(`${what} in the page is collected and ends a wait at once`, async () => {
    const faults = watchFaults(page);
    await page.setContent(`<!doctype html><title>fault</title><script>${script}</script>`);
    const t0 = Date.now();
    const error = await pollUntil('something that never comes', async () => false, 60_000, 100, faults).catch((e: unknown) => e);
    assert.ok(error instanceof Fatal, String(error));
    assert.match((error as Error).message, new RegExp(message));
    assert.ok(Date.now() - t0 < 20_000, `the wait ended after ${Date.now() - t0} ms, not at its 60 s deadline`);
    assert.equal(faults.length, 1, faults.join('; '));
    page.removeAllListeners('pageerror');
    page.removeAllListeners('console');
  });
}
