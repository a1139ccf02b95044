import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nativeLoadOptions } from './session.js';

describe('nativeLoadOptions', () => {
  test('idle threads do not spin unless asked (a run holds several sessions that share the cores)', () => {
    const extra = nativeLoadOptions({}, 2).extra as Record<string, string>;
    assert.equal(extra['session.intra_op.allow_spinning'], '0');
    assert.equal(extra['session.inter_op.allow_spinning'], '0');
    const spinning = nativeLoadOptions({ spinWait: true }, 2).extra as Record<string, string>;
    assert.equal(spinning['session.intra_op.allow_spinning'], '1');
  });

  test('explicit config entries win over the defaults, and other options pass through', () => {
    const o = nativeLoadOptions({ config: { 'session.intra_op.allow_spinning': '1', a: 'b' }, optimization: 'basic' }, 3);
    assert.deepEqual(o.extra, { 'session.intra_op.allow_spinning': '1', 'session.inter_op.allow_spinning': '0', a: 'b' });
    assert.equal(o.intraOpNumThreads, 3);
    assert.equal(o.graphOptimizationLevel, 'basic');
  });
});
