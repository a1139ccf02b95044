import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, expandSweep, experimentConfig, parameterOrder, parseYamlText, pointLabel, variantsTaking, applyParameter, sweepConfig, sweepSearchBudget } from './index.js';

// The base as the dashboard and the API hold it: fully parsed, so the adaptive kind's options are all present.
const base = experimentConfig.parse({ data: { source: 'synthetic' }, paradigm: { kind: 'adaptive_d2s', tau: 2, warmupWindows: 1 }, pruning: { budget: 0.75 } });

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  assert.fail('expected a ConfigError');
}

test('a sweep over paradigm kinds starts each kind from its own defaults, keeping the options both take', () => {
  const pts = expandSweep({ base, parameters: { 'paradigm.kind': { values: ['adaptive_d2s', 'prune_once', 'd2s'] } } });
  assert.equal(pts.length, 3);
  const [adaptive, once, d2s] = pts.map((p) => p.config.paradigm);
  assert.deepEqual(once, { kind: 'prune_once', warmupWindows: 1 });
  assert.equal(adaptive.kind === 'adaptive_d2s' && adaptive.tau, 2, 'the base kind keeps its own options');
  assert.ok(d2s.kind === 'd2s' && d2s.r === 2 && d2s.warmupWindows === 1, 'd2s gets its default r and the shared warm-up');
  assert.ok(d2s.kind === 'd2s' && d2s.refresh.warmStart, 'refresh options, taken by both, carry over');
});

test('a conditional parameter applies only where its condition holds: no duplicate runs for kinds without it', () => {
  const pts = expandSweep({
    base,
    parameters: {
      'paradigm.kind': { values: ['adaptive_d2s', 'prune_once'] },
      'paradigm.tau': { values: [0.5, 1, 4], when: { 'paradigm.kind': 'adaptive_d2s' } },
      'pruning.budget': { values: [0.5, 0.9] },
    },
    seeds: [1, 2],
  });
  // (3 adaptive + 1 prune_once) × 2 budgets × 2 seeds
  assert.equal(pts.length, 16);
  const once = pts.filter((p) => p.config.paradigm.kind === 'prune_once');
  assert.equal(once.length, 4);
  assert.ok(once.every((p) => !('paradigm.tau' in p.params)), 'an inactive parameter is not part of the point');
  const taus = pts.flatMap((p) => (p.config.paradigm.kind === 'adaptive_d2s' ? [p.config.paradigm.tau] : []));
  assert.deepEqual([...new Set(taus)].sort(), [0.5, 1, 4]);
});

test('a per-kind default is a one-value conditional parameter; conditions accept a list of values', () => {
  const pts = expandSweep({
    base,
    parameters: {
      'paradigm.kind': { values: ['adaptive_d2s', 'd2s', 'sparse_regrow'] },
      'paradigm.r': { values: [3], when: { 'paradigm.kind': ['d2s', 'sparse_regrow'] } },
    },
  });
  assert.deepEqual(
    pts.map((p) => [p.config.paradigm.kind, 'r' in p.config.paradigm ? p.config.paradigm.r : null]),
    [
      ['adaptive_d2s', null],
      ['d2s', 3],
      ['sparse_regrow', 3],
    ],
  );
});

test('random search draws conditional parameters only when active, deterministically', () => {
  const sweep = {
    base,
    method: 'random',
    samples: 40,
    searchSeed: 7,
    parameters: {
      'paradigm.kind': { values: ['adaptive_d2s', 'prune_once'] },
      'paradigm.tau': { min: 0.1, max: 10, log: true, when: { 'paradigm.kind': 'adaptive_d2s' } },
    },
  };
  const a = expandSweep(sweep);
  assert.deepEqual(a, expandSweep(sweep));
  for (const p of a) assert.equal('paradigm.tau' in p.params, p.config.paradigm.kind === 'adaptive_d2s');
  assert.ok(a.some((p) => p.config.paradigm.kind === 'prune_once') && a.some((p) => p.config.paradigm.kind === 'adaptive_d2s'));
});

test('an option only some kinds take is reported at its parameter, naming the kinds and the fix', () => {
  const issues = issuesOf(() =>
    expandSweep({ base, parameters: { 'paradigm.kind': { values: ['adaptive_d2s', 'prune_once'] }, 'paradigm.tau': { values: [0.5, 1] } } }),
  );
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.equal(issues[0].path, 'parameters.paradigm.tau');
  assert.match(issues[0].message, /not an option of paradigm\.kind prune_once; only adaptive_d2s take it/);
  assert.match(issues[0].message, /when: \{ paradigm\.kind: adaptive_d2s \}/);
  assert.match(issues[0].message, /sweep point \{"paradigm\.kind":"prune_once","paradigm\.tau":0\.5\} seed 1/);
});

test('a value the schema refuses is reported at its parameter, once however many points repeat it', () => {
  const issues = issuesOf(() => expandSweep({ base, parameters: { 'pruning.budget': { values: [0.5, 75] }, 'optimizer.lr': { values: [0.1, 0.2, 0.3] } }, seeds: [1, 2, 3] }));
  assert.deepEqual(
    issues.map((i) => i.path),
    ['parameters.pruning.budget'],
  );
  assert.match(issues[0].message, /fraction, not a percentage/);
});

test('a refinement across fields names every parameter that touches it', () => {
  const issues = issuesOf(() => expandSweep({ base, parameters: { 'paradigm.rMin': { values: [5] }, 'paradigm.rMax': { values: [2, 8] } } }));
  assert.deepEqual(
    issues.map((i) => i.path),
    ['parameters.paradigm.rMin'],
  );
  assert.match(issues[0].message, /rMin must be ≤ paradigm\.rMax/);
});

test('bad conditions are refused with the parameter named: unknown, a range, an impossible value, a cycle', () => {
  const paths = (parameters: Record<string, unknown>, method = 'grid') => issuesOf(() => expandSweep({ base, method, parameters })).map((i) => `${i.path}: ${i.message}`);
  assert.match(paths({ 'paradigm.tau': { values: [1], when: { 'paradigm.kind': 'adaptive_d2s' } } })[0], /parameters\.paradigm\.tau\.when\.paradigm\.kind: when names paradigm\.kind, which is not a parameter/);
  assert.match(
    paths({ 'optimizer.lr': { min: 0.01, max: 0.1 }, 'optimizer.eps': { values: [1e-8], when: { 'optimizer.lr': 0.05 } } }, 'random')[0],
    /only name a parameter with listed values/,
  );
  assert.match(paths({ 'paradigm.kind': { values: ['d2s'] }, 'paradigm.r': { values: [1], when: { 'paradigm.kind': 'gradual' } } })[0], /never takes gradual/);
  assert.match(
    paths({ 'optimizer.lr': { values: [0.1], when: { 'optimizer.eps': 1 } }, 'optimizer.eps': { values: [1], when: { 'optimizer.lr': 0.1 } } })[0],
    /conditions form a cycle/,
  );
});

test('parameters are applied parents first and the kind before its options', () => {
  assert.deepEqual(parameterOrder({ 'a.b': {}, 'paradigm.tau': { when: { 'z.y': 1 } }, 'z.y': {}, 'paradigm.kind': {} }), ['paradigm.kind', 'a.b', 'z.y', 'paradigm.tau']);
});

test('the schema knows which kinds take an option', () => {
  assert.deepEqual(variantsTaking('paradigm.tau')?.values, ['adaptive_d2s']);
  assert.deepEqual(variantsTaking('paradigm.r')?.values, ['sparse_regrow', 'd2s', 'd2s_ramp']);
  assert.equal(variantsTaking('paradigm.warmupWindows'), null);
  assert.equal(variantsTaking('pruning.budget'), null);
  assert.equal(variantsTaking('__proto__.x'), null);
  // setting a kind the schema does not know is a plain set; validation then names paradigm.kind
  assert.deepEqual(applyParameter({ paradigm: { kind: 'd2s', r: 2 } }, 'paradigm.kind', 'magic'), { paradigm: { kind: 'magic', r: 2 } });
});

test('the example sweeps expand (examples/sweep-*.yaml)', async () => {
  const dir = join(import.meta.dirname, '..', '..', '..', 'examples');
  const files = (await readdir(dir)).filter((f) => /^sweep-.*\.ya?ml$/.test(f));
  assert.ok(files.includes('sweep-paradigms.yaml'));
  for (const f of files) assert.ok(expandSweep(parseYamlText(await readFile(join(dir, f), 'utf8'), f)).length > 0, f);
  const paradigms = expandSweep(parseYamlText(await readFile(join(dir, 'sweep-paradigms.yaml'), 'utf8')));
  assert.equal(paradigms.length, 18);
});

test('per-value settings give each kind its own options (defaults per kind), reported at the setting', () => {
  const pts = expandSweep({
    base,
    parameters: {
      'paradigm.kind': { values: ['adaptive_d2s', 'prune_once', 'd2s'], set: { prune_once: { 'paradigm.warmupWindows': 3 }, d2s: { 'paradigm.r': 5, 'paradigm.warmupWindows': 0 } } },
      'pruning.budget': { values: [0.5] },
    },
  });
  assert.deepEqual(
    pts.map((p) => p.config.paradigm),
    [
      { ...base.paradigm },
      { kind: 'prune_once', warmupWindows: 3 },
      { ...experimentConfig.shape.paradigm.parse({ kind: 'd2s' }), r: 5, warmupWindows: 0 },
    ],
  );
  assert.deepEqual(pts[1].params, { 'paradigm.kind': 'prune_once', 'pruning.budget': 0.5, seed: 1 }, 'a setting is not a swept value');
  const issues = issuesOf(() => expandSweep({ base, parameters: { 'paradigm.kind': { values: ['prune_once'], set: { prune_once: { 'paradigm.tau': 3, 'paradigm.warmupWindows': -1 } } } } }));
  assert.deepEqual(issues.map((i) => i.path).sort(), ['parameters.paradigm.kind.set.prune_once.paradigm.tau', 'parameters.paradigm.kind.set.prune_once.paradigm.warmupWindows']);
  const refused = issuesOf(() =>
    expandSweep({ base, parameters: { 'paradigm.kind': { values: ['d2s'], set: { gradual: { 'paradigm.r': 1 }, d2s: { 'pruning.budget': 0.5 } } }, 'pruning.budget': { values: [0.5] } } }),
  );
  assert.deepEqual(
    refused.map((i) => i.path),
    ['parameters.paradigm.kind.set.gradual', 'parameters.paradigm.kind.set.d2s.pruning.budget'],
  );
});

test('a point is named by what it varies: kinds by value, short unambiguous keys, compact numbers, seed last', () => {
  assert.equal(pointLabel({ 'pruning.budget': 0.75, 'paradigm.kind': 'adaptive_d2s', 'paradigm.tau': 0.5, seed: 1 }), 'adaptive_d2s · tau=0.5 · budget=0.75 · s1');
  assert.equal(pointLabel({ 'optimizer.lr': 0.0123456789, seed: 2 }), 'lr=0.01235 · s2');
  assert.equal(pointLabel({ 'a.x.r': 1, 'b.r': 2 }), 'x.r=1 · b.r=2');
  assert.equal(pointLabel({ 'model.bottomMlp': [64, 32] }), 'bottomMlp=[64,32]');
  assert.equal(pointLabel({}), '');
});

test('early stopping and tpe: defaults filled in, bounds and unknown keys refused at their path', () => {
  const s = sweepConfig.parse({ base, method: 'tpe', samples: 8, earlyStopping: { rule: 'asha' } });
  assert.deepEqual(s.earlyStopping, { rule: 'asha', metric: 'deltaNe', minWindow: 2, reductionFactor: 3, minPeers: 3 });
  assert.deepEqual([s.initialSamples, s.objective], [5, { metric: 'meanDeltaNEPct', direction: 'minimize' }]);
  const bad = (over: Record<string, unknown>) => sweepConfig.safeParse({ base, ...over }).error?.issues.map((i) => i.path.join('.')) ?? [];
  assert.deepEqual(bad({ earlyStopping: { rule: 'hyperband' } }), ['earlyStopping.rule']);
  assert.deepEqual(bad({ earlyStopping: { rule: 'asha', reductionFactor: 1 } }), ['earlyStopping.reductionFactor']);
  assert.deepEqual(bad({ earlyStopping: { rule: 'median', reductionFactor: 3 } }), ['earlyStopping'], 'η is an ASHA option');
  assert.deepEqual(bad({ earlyStopping: { rule: 'median', metric: 'auc' } }), ['earlyStopping.metric']);
  assert.deepEqual(bad({ method: 'tpe', samples: 3, initialSamples: 4 }), ['initialSamples']);
  assert.deepEqual(bad({ objective: { metric: 'wallSec' } }), ['objective.metric']);
  // a tpe sweep expands to its initial random points only; the rest are proposed as runs complete
  const pts = expandSweep({ base, method: 'tpe', samples: 10, initialSamples: 3, seeds: [1, 2], parameters: { 'pruning.budget': { min: 0.1, max: 0.9 } } });
  assert.equal(pts.length, 6);
  assert.deepEqual(sweepSearchBudget({ method: 'tpe' }), { method: 'tpe', samples: 10 });
  assert.equal(sweepSearchBudget({ method: 'bogus' }), null);
});
