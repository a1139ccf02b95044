// @driftprune/db: the Prisma client, migrations, artifact store, API token hashing, datasets.
export * from './client.js';
export * from './database.js';
export * from './artifacts/store.js';
export * from './artifacts/orphans.js';
export { S3Client, type S3Options } from './artifacts/s3.js';
export * from './datasets.js';
export * from './tokens.js';
export { createMigration, deployMigrations, migrationsDir, schemaPath } from './migrate/migrations.js';
export { Prisma } from '../generated/prisma/client.js';
export type {
  User,
  ApiToken,
  Project,
  Membership,
  ProjectInvitation,
  Dataset,
  Experiment,
  Sweep,
  Run,
  WindowMetric,
  RefreshEvent,
  ServingEvaluation,
  Artifact,
  Worker,
} from '../generated/prisma/client.js';
export type { Role, RunStatus, SweepStatus, ModelRole, ArtifactKind, InvitationStatus, DatasetStatus } from '../generated/prisma/enums.js';
export * from './sweep-analysis.js';
export * from './window-metric.js';
// Repositories: every query the apps make (packages/db/README.md).
export * from './repositories/window-metrics.js';
export * from './repositories/run-results.js';
export * from './repositories/runs.js';
export * from './repositories/sweeps.js';
export * from './repositories/workers.js';
export * from './repositories/health.js';
export * from './repositories/lists.js';
export * from './repositories/projects.js';
export * from './repositories/api-tokens.js';
export * from './repositories/experiments.js';
export * from './errors.js';
