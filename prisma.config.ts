// Prisma 7 CLI config (used by `npm run db:generate`). Migrations do not go through the Prisma CLI here: see
// packages/db/src/migrate/cli.ts (the native schema engine cannot be downloaded, so we drive the wasm one).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/driftprune' },
});
