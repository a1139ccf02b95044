import assert from 'node:assert/strict';
import { test } from 'node:test';
import { windowLabel } from './window-label.js';

test('windowLabel: in a window while running, stopped in it once ended early, the count once succeeded', () => {
  assert.equal(windowLabel('running', { window: 0, windows: 6 }), 'window 1 of 6');
  assert.equal(windowLabel('queued', { window: 2 }), 'window 3');
  assert.equal(windowLabel('cancelled', { window: 0, windows: 6 }), 'stopped in window 1 of 6');
  assert.equal(windowLabel('failed', { window: 4, windows: null }), 'stopped in window 5');
  assert.equal(windowLabel('succeeded', { window: 5, windows: 6 }), '6 windows');
  assert.equal(windowLabel('running', null), null);
  assert.equal(windowLabel('running', {}), null);
});
