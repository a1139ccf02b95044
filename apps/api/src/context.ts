// Per-request context: the database, queues, pub/sub, store, and the authenticated caller (or null).
import type { Db, ArtifactStore } from '@driftprune/db';
import type { RunQueues } from '@driftprune/runs';
import type { Redis } from 'ioredis';
import type { Principal } from './auth.js';
import type { AuthEvent } from './auth-events.js';
import type { ClientInfo, DevLogin } from './dev-login.js';
import type { EventHub } from './pubsub.js';
import type { MetricSeriesCache } from './metric-cache.js';
import type { ResponseCache } from './response-cache/response-cache.js';
import type { CacheOutcome } from './response-cache/http-handler.js';
import type { DatasetService } from './datasets/service.js';

export interface ApiServices {
  db: Db;
  queues: RunQueues;
  hub: EventHub;
  store: ArtifactStore;
  /** Used by the health check and for control messages (cancel). */
  redis: Redis;
  prefix: string;
  version: string;
  /** LOCAL_MODE: the dev login (a demo user's token without credentials) is allowed. */
  localMode?: boolean;
  /** The dev login's one reusable token (used in local mode only). */
  devLogin: DevLogin;
  /** Downsampled series of finished runs (see metric-cache.ts). */
  metricCache: MetricSeriesCache;
  /** Serialized responses of read-only queries (see response-cache/). */
  responseCache: ResponseCache;
  /** Called after every mutation: drops cached responses here and in the other API processes. */
  announceMutation: () => Promise<void>;
  /** Called after a token is revoked or project roles change: other requests and sockets see it at once. */
  announceAuth: (e: AuthEvent) => Promise<void>;
  /** Uploads, s3:// registrations and data.dataset checks (datasets/service.ts). */
  datasets: DatasetService;
}

export interface ApiContext extends ApiServices {
  principal: Principal | null;
  /** Where the request came from (Origin, Host, address); the dev login checks it. */
  client?: ClientInfo;
  /** Present when this request's result may be stored in the response cache. */
  cacheOutcome?: CacheOutcome;
}
