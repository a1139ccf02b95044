// The Prisma client over node-postgres (@prisma/adapter-pg): no native query engine is needed at runtime.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';

export { PrismaClient };
export type Db = PrismaClient;

export interface DbOptions {
  /** postgresql:// URL (DATABASE_URL). */
  url: string;
  /** Size of the connection pool (node-postgres `max`). */
  poolSize?: number;
}

export function createDb({ url, poolSize = 10 }: DbOptions): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
}

/** What a repository function takes: the client, or the client of a transaction in progress. */
export type DbClient = PrismaClient | Prisma.TransactionClient;
