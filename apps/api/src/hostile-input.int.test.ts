// Hostile input against the real server, Postgres and Redis (issue 12): requests that once crashed the process or
// answered 500 must get coded errors, change nothing, and leave the process serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, tinyConfig, type Harness } from './testing/harness.js';

let h: Harness;
let expId = '';
before(async () => {
  h = await startHarness('hostile');
  expId = await h.createExperiment('hostile base', tinyConfig());
});
after(async () => {
  await h?.close();
});

const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
const SWEEP = 'mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total } }';

test('a sweep over __proto__.polluted is refused; the same process keeps answering (12.1)', async () => {
  const runsBefore = await h.db.run.count();
  for (const path of ['__proto__.polluted', 'constructor.prototype.polluted', 'pruning.__proto__.polluted', '__proto__']) {
    // as JSON (express.json makes "__proto__" an own key) and as YAML text
    for (const sweep of [{ parameters: { [path]: { values: [1, 2] } } }, `parameters:\n  ${path}: { values: [1, 2] }\n`]) {
      const r = await h.gql(SWEEP, { i: { experimentId: expId, sweep } });
      assert.equal(code(r), 'BAD_USER_INPUT', `${path}: ${JSON.stringify(r.errors)}`);
      assert.match(JSON.stringify(r.errors), /not allowed in a config path/, path);
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
  assert.equal(await h.db.run.count(), runsBefore, 'nothing was queued');
  // the params filter takes the same paths: refused as bad input too
  const f = await h.gql('query($p: ID!) { runs(projectId: $p, filter: { params: [{ path: "__proto__.x", equals: 1 }] }) { totalCount } }', { p: h.projectId });
  assert.equal(code(f), 'BAD_USER_INPUT');
  // a normal query and a normal sweep on the same process
  const q = await h.gql('query($p: ID!) { runs(projectId: $p, first: 5) { totalCount nodes { id } } project(id: $p) { name } }', { p: h.projectId });
  assert.equal(q.errors, undefined, JSON.stringify(q.errors));
  assert.equal(q.data.project.name, 'Main');
  const ok = await h.gql(SWEEP, { i: { experimentId: expId, sweep: { parameters: { 'pruning.budget': { values: [0.25, 0.5] } } } } });
  assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
  assert.equal(ok.data.submitSweep.total, 2);
});
