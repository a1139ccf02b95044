// Health without a token: does the API reach Postgres and Redis right now?
import { pingDatabase } from '@driftprune/db';
import type { ApiServices } from './context.js';

export async function checkHealth(s: Pick<ApiServices, 'db' | 'redis' | 'version'>) {
  const within = <T>(p: Promise<T>, ms = 2_000) => Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), ms).unref())]);
  const [database, redis] = await Promise.all([
    within(pingDatabase(s.db)).then(() => true, () => false),
    within(s.redis.ping()).then((r) => r === 'PONG', () => false),
  ]);
  return { ok: database && redis, database, redis, version: s.version, time: new Date() };
}
