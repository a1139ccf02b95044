// The platform's processes as one bundle for a GPU host (scripts/gpu/bundle.sh → .gpu-carry/app/platform.mjs),
// driven by scripts/gpu/queue-on-gpu-host.sh:
//   migrate DIR          apply prisma/migrations (DIR) to DATABASE_URL, creating the database when absent
//   api                  the GraphQL API (apps/api/src/main.ts; env as there)
//   worker               a BullMQ worker (apps/worker/src/main.ts; DRIFTPRUNE_DEVICE=webgpu takes runs-webgpu jobs)
//   queue-check ARGS     submits a sweep through GraphQL, waits for its runs, reads back metrics and artifacts
//
// Modules are imported dynamically, after argv[1] is renamed: some modules of the API run their own command-line
// part when `import.meta.url` equals argv[1] (apps/api/src/seed.ts), and inside a bundle every module's
// import.meta.url is the bundle's.
import { fileURLToPath } from 'node:url';

const [command, ...rest] = process.argv.slice(2);
process.argv[1] = `${fileURLToPath(import.meta.url)}#${command}`;

async function main(): Promise<number> {
  switch (command) {
    case 'migrate': {
      const { ensureDatabase, deployMigrations } = await import('@driftprune/db');
      const url = process.env.DATABASE_URL;
      if (!url || !rest[0]) throw new Error('usage: platform.mjs migrate MIGRATIONS_DIR (with DATABASE_URL set)');
      if (await ensureDatabase(url)) console.error(`[migrate] created database ${new URL(url).pathname.slice(1)}`);
      const applied = await deployMigrations(url, { dir: rest[0] });
      console.error(`[migrate] applied ${applied.length} migration(s)${applied.length ? `: ${applied.join(', ')}` : ''}`);
      return 0;
    }
    case 'api':
      await import('@driftprune/api/main');
      return -1; // keeps running until a signal
    case 'worker':
      await import('@driftprune/worker/main');
      return -1;
    case 'queue-check': {
      const { queueCheckMain } = await import('./queue-check.js');
      return queueCheckMain(rest);
    }
    default:
      console.error('usage: platform.mjs <migrate DIR | api | worker | queue-check ARGS>');
      return 2;
  }
}

try {
  const code = await main();
  if (code >= 0) process.exit(code);
} catch (e) {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
}
