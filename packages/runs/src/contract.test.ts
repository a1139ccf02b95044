import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bullPriority, queueNameForDevice, queueNamesForBackend, redisConnection, runJobOptions } from './contract.js';

test('runs are routed by device and workers consume only queues they can run', () => {
  assert.equal(queueNameForDevice('cpu'), 'runs-cpu');
  assert.equal(queueNameForDevice('auto'), 'runs-cpu');
  assert.equal(queueNameForDevice('webgpu'), 'runs-webgpu');
  assert.deepEqual(queueNamesForBackend('cpu'), ['runs-cpu']);
  assert.deepEqual(queueNamesForBackend('webgpu'), ['runs-webgpu', 'runs-cpu']);
});

test('API priority (higher first) maps onto BullMQ priority (1 first)', () => {
  assert.equal(bullPriority(100), 1);
  assert.equal(bullPriority(0), 101);
  assert.ok(bullPriority(80) < bullPriority(20));
  assert.equal(bullPriority(1_000), 1);
  const o = runJobOptions('r1', 50, 4);
  assert.equal(o.attempts, 4);
  assert.deepEqual(o.backoff, { type: 'exponential', delay: 2_000 });
  assert.ok(String(o.jobId).startsWith('r1.'));
});

test('redis URLs become BullMQ connection options', () => {
  assert.deepEqual(redisConnection('redis://:s%40cret@10.0.0.5:6380/2'), {
    host: '10.0.0.5',
    port: 6380,
    username: undefined,
    password: 's@cret',
    db: 2,
    tls: undefined,
    maxRetriesPerRequest: null,
  });
  assert.deepEqual((redisConnection('rediss://cache.example:6379') as { tls?: object }).tls, {});
});
