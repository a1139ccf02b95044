// Keeps the e2e stack (fresh database, API, worker, `next start`) up for looking at pages by hand or from scripts:
//   node --import tsx e2e/dev-stack.ts [state.json]
// writes { apiUrl, webUrl, token } to state.json (default e2e/test-results/dev-stack.json) and runs until SIGINT or
// SIGTERM, then tears the stack down like a test does.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir, startStack } from './stack.js';

const out = process.argv[2] ?? join(resultsDir, 'dev-stack.json');
const stack = await startStack('dev');
// The dev login answers only the dashboard's origin (apps/api/src/dev-login.ts): ask as the dashboard.
const res = await fetch(stack.apiUrl, { method: 'POST', headers: { 'content-type': 'application/json', origin: stack.webUrl }, body: JSON.stringify({ query: 'mutation { devLogin { token } }' }) });
const answer = (await res.json()) as { data?: { devLogin: { token: string } } | null; errors?: unknown[] };
if (!answer.data?.devLogin) {
  await stack.close();
  throw new Error(`the dev login refused: ${JSON.stringify(answer.errors)}`);
}
const token = answer.data.devLogin.token;
writeFileSync(out, JSON.stringify({ apiUrl: stack.apiUrl, webUrl: stack.webUrl, token }, null, 2));
console.error(`[dev-stack] up: ${stack.webUrl} (state in ${out}); Ctrl-C stops it`);
await stack.browser.close();
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await stack.close();
