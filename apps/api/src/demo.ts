#!/usr/bin/env tsx
// Submits a small demo run on the built-in synthetic stream to the demo project (seeding it when needed):
//   npm run demo -w @driftprune/api     → prints the run id; a worker picks the job up from the queue.
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { experimentConfig, loadEnv, parseConfig, type ExperimentConfigInput } from '@driftprune/config';
import { createDb, createExperiment, experimentByName, projectBySlug, userByEmail, type Db } from '@driftprune/db';
import { RunQueues, redisConnection } from '@driftprune/runs';
import { DEMO_EMAIL, DEMO_PROJECT_SLUG, seedDemo } from './seed.js';
import { submitRun } from './services/runs.js';

/** A run that finishes in about a minute on one CPU core: 8 windows of 4k rows, a small DLRM, adaptive D2S at 50 %. */
export const DEMO_CONFIG: ExperimentConfigInput = {
  name: 'demo: adaptive D2S on the synthetic stream',
  seed: 1,
  data: {
    source: 'synthetic',
    window: 'rows:4000',
    batchSize: 256,
    hashSize: 2_000,
    synthetic: { windows: 8, rowsPerWindow: 4_000, numDense: 13, numFields: 8, vocabPerField: 500, shiftEvery: 4 },
  },
  model: { embeddingDim: 8, bottomMlp: [64, 32], topMlp: [64, 32] },
  paradigm: { kind: 'adaptive_d2s', warmupWindows: 2 },
  pruning: { budget: 0.5 },
  evaluation: { serving: { batchSizes: [1, 64], iterations: 20 } },
};

export async function submitDemoRun(db: Db, queues: RunQueues, redis: Redis, prefix: string) {
  const user = await userByEmail(db, DEMO_EMAIL);
  const project = await projectBySlug(db, DEMO_PROJECT_SLUG);
  const projectId = user && project ? project.id : (await seedDemo(db, 'demo (first seed)')).projectId;
  const config = parseConfig(experimentConfig, DEMO_CONFIG, 'demo config');
  const exp =
    (await experimentByName(db, projectId, config.name)) ??
    (await createExperiment(db, { projectId, name: config.name, config, paradigm: config.paradigm.kind, description: 'Submitted by the start script' }));
  return submitRun({ db, queues, redis, prefix }, exp, { priority: 50 });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = loadEnv();
  const db = createDb({ url: env.DATABASE_URL, poolSize: 2 });
  const redis = new Redis(env.REDIS_URL);
  const queues = new RunQueues(redisConnection(env.REDIS_URL), env.QUEUE_PREFIX);
  try {
    const run = await submitDemoRun(db, queues, redis, env.QUEUE_PREFIX);
    console.log(`DRIFTPRUNE_DEMO_RUN=${run.id}`);
  } finally {
    await queues.close();
    redis.disconnect();
    await db.$disconnect();
  }
}
