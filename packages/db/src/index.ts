export * from './client.js';
export * from './database.js';
export * from './artifacts/store.js';
export * from './tokens.js';
export { createMigration, deployMigrations, migrationsDir, schemaPath } from './migrate/migrations.js';
export * as prismaEnums from '../generated/prisma/enums.js';
export type * from '../generated/prisma/models.js';
