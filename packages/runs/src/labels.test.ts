import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalLabels, labelsOfRunConfig, parseRunQueueName, parseWorkerLabels, queuesServed, runQueueName } from './labels.js';

test('a run queue is its backend queue and its sorted labels', () => {
  assert.equal(runQueueName('cpu'), 'runs-cpu');
  assert.equal(runQueueName('auto', []), 'runs-cpu');
  assert.equal(runQueueName('webgpu', ['ssd', 'mem-large', 'ssd']), 'runs-webgpu+mem-large+ssd');
  assert.deepEqual(parseRunQueueName('runs-cpu+mem-large'), { base: 'runs-cpu', labels: ['mem-large'] });
  assert.equal(parseRunQueueName('other+x'), null);
  assert.equal(parseRunQueueName('runs-cpu+Bad Label'), null);
});

test('labels are checked: a bad one is refused, not routed', () => {
  assert.throws(() => canonicalLabels(['Mem']), /must match/);
  assert.throws(() => canonicalLabels(['a:b']), /must match/);
  assert.throws(() => parseWorkerLabels('a,b,c,d,e,f,g,h,i'), /at most 8/);
  assert.deepEqual(parseWorkerLabels(' ssd , mem-large,,'), ['mem-large', 'ssd']);
  assert.deepEqual(labelsOfRunConfig({ engine: { labels: ['b', 'a'] } }), ['a', 'b']);
  assert.deepEqual(labelsOfRunConfig({ engine: {} }), []);
  assert.deepEqual(labelsOfRunConfig(null), []);
});

test('a worker serves its backend queues and the labelled queues whose labels it all carries', () => {
  const known = ['runs-cpu+mem-large', 'runs-cpu+mem-large+ssd', 'runs-cpu+gpu-x', 'runs-webgpu+mem-large', 'junk'];
  assert.deepEqual(queuesServed('cpu', [], known), ['runs-cpu']);
  assert.deepEqual(queuesServed('cpu', ['mem-large'], known), ['runs-cpu', 'runs-cpu+mem-large']);
  assert.deepEqual(queuesServed('cpu', ['mem-large', 'ssd'], known), ['runs-cpu', 'runs-cpu+mem-large', 'runs-cpu+mem-large+ssd']);
  assert.deepEqual(queuesServed('webgpu', ['mem-large'], known), ['runs-webgpu', 'runs-cpu', 'runs-cpu+mem-large', 'runs-webgpu+mem-large']);
});
