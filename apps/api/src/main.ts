#!/usr/bin/env tsx
// Starts the API: npm start -w @driftprune/api (env: see packages/config/src/env.ts).
import { loadEnv } from '@driftprune/config';
import { startApiServer } from './server.js';

const env = loadEnv();
const server = await startApiServer({ env });
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`[api] ${sig}: stopping`);
    await server.close();
    process.exit(0);
  });
