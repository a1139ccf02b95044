// The API process: express 5 + Apollo Server 5 over HTTP and graphql-ws on the same port and path.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import cors from 'cors';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { DocumentNode } from 'graphql';
import { Redis } from 'ioredis';
import { dashboardOrigins, loadEnv, type Env } from '@driftprune/config';
import { artifactById, createArtifactStore, createDb, s3ClientFromEnv, type Db } from '@driftprune/db';
import { DataRoots } from '@driftprune/datasets';
import { RunQueues, redisConnection } from '@driftprune/runs';
import { Authenticator, bearerToken } from './auth.js';
import { AuthEvents, authChannel } from './auth-events.js';
import { DevLogin } from './dev-login.js';
import { apiError, badInput, formatError, isUuid, payloadTooLarge } from './errors.js';
import type { ApiContext, ApiServices } from './context.js';
import { checkHealth } from './health.js';
import { DEFAULT_LIMITS, enforceLimits, findNulByte, parseOptions, type Limits } from './limits.js';
import { EventHub } from './pubsub.js';
import { MetricSeriesCache } from './metric-cache.js';
import { ResponseCache } from './response-cache/response-cache.js';
import { CacheableQueries } from './response-cache/cacheable.js';
import { graphqlHttpHandler, responseCachePlugin } from './response-cache/http-handler.js';
import { announceMutation, invalidateOnEvents } from './response-cache/invalidation.js';
import { resolvers } from './resolvers/index.js';
import { serveGraphqlWs } from './ws-server.js';
import { DatasetService } from './datasets/service.js';
import { mountDatasetUploads } from './datasets/http.js';
import { mountExport } from './export-http.js';
import { mountMetrics } from './metrics-http.js';

export const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');
export const VERSION = '0.1.0';
/** An upload with no chunk for this long is abandoned: its row and staged bytes are removed. */
const UPLOAD_ABANDONED_MS = 24 * 3_600_000;

export interface ApiServerOptions {
  env?: Env;
  /** Port 0 picks a free port (tests). */
  port?: number;
  host?: string;
  db?: Db;
  limits?: Limits;
  log?: (msg: string) => void;
}

export interface ApiServer {
  url: string;
  wsUrl: string;
  port: number;
  services: ApiServices;
  close(): Promise<void>;
}

/**
 * The limits of limits.ts for one operation, and introspection (`__schema`, `__type`) only with a token outside
 * LOCAL_MODE: the schema is no secret (it is in the repository) but answering it is work an anonymous caller
 * should not be able to multiply.
 */
export function checkOperation(doc: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, limits: Limits, ctx: ApiContext): void {
  const nul = findNulByte(doc, variables);
  if (nul) throw badInput(`${nul} contains a NUL character (\\u0000), which no field accepts`, undefined, { reason: 'NUL_BYTE', http: { status: 400 } });
  const cost = enforceLimits(doc, operationName, variables, limits);
  if (cost.introspection > 0 && !ctx.principal && !ctx.localMode)
    throw apiError('UNAUTHENTICATED', 'introspection (__schema, __type) needs an API token: send Authorization: Bearer <token>', { http: { status: 401 } });
}

function limitsPlugin(limits: Limits): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          checkOperation(rc.document, rc.operationName, rc.request.variables, limits, rc.contextValue);
        },
      };
    },
  };
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const env = opts.env ?? loadEnv();
  const log = opts.log ?? ((m: string) => console.log(`[api] ${m}`));
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const ownDb = !opts.db;
  const db = opts.db ?? createDb({ url: env.DATABASE_URL, poolSize: 20 });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 });
  redis.on('error', (e) => log(`redis: ${e.message}`));
  const auth = new Authenticator(db);
  const origins = dashboardOrigins(env);
  // Browsers may call the API only from the dashboard: others get no CORS headers (requests without an Origin, from
  // the CLI or scripts, are unaffected).
  const corsForDashboard = cors({ origin: origins, maxAge: 600 });
  const authEvents = new AuthEvents(auth, redis, authChannel(env.QUEUE_PREFIX));
  const hub = new EventHub(env.REDIS_URL, env.QUEUE_PREFIX, [authEvents.channel]);
  hub.onMessage(authEvents.channel, (m) => authEvents.receive(m));
  await hub.whenReady();
  const responseCache = new ResponseCache({ ttlMs: env.API_RESPONSE_CACHE_MS, maxBytes: env.API_RESPONSE_CACHE_MB * 2 ** 20 });
  invalidateOnEvents(responseCache, hub);
  const store = createArtifactStore(env);
  const services: ApiServices = {
    db,
    redis,
    hub,
    queues: new RunQueues(redisConnection(env.REDIS_URL), env.QUEUE_PREFIX),
    store,
    prefix: env.QUEUE_PREFIX,
    version: VERSION,
    localMode: env.LOCAL_MODE,
    metricCache: new MetricSeriesCache(),
    responseCache,
    announceMutation: () => announceMutation(responseCache, redis, hub.channels.changed),
    announceAuth: (e) => authEvents.announce(e),
    devLogin: new DevLogin(db, origins, (e) => authEvents.announce(e)),
    datasets: new DatasetService({
      db,
      store,
      roots: DataRoots.parse(env.DATA_ROOTS),
      uploadDir: resolve(env.UPLOAD_DIR),
      maxBytes: env.DATASET_MAX_MB * 2 ** 20,
      s3: env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY ? () => s3ClientFromEnv(env) : null,
      log,
    }),
  };
  // uploads nobody continued for a day (and staging left by deleted rows) are removed at start, then hourly
  const sweepUploads = () => services.datasets.sweepAbandoned(UPLOAD_ABANDONED_MS).catch((e) => log(`upload sweep failed: ${(e as Error).message}`));
  void sweepUploads();
  const uploadSweeper = setInterval(sweepUploads, 3_600_000);
  uploadSweeper.unref();

  const schema = makeExecutableSchema({ typeDefs, resolvers: resolvers as never });
  const app = express();
  const http: Server = createServer(app);
  const ws = serveGraphqlWs({
    http,
    schema,
    services,
    auth,
    authEvents,
    limits,
    maxRequestBytes: env.MAX_REQUEST_BYTES,
    maxResponseBytes: env.MAX_RESPONSE_BYTES,
    origins,
    formatError: formatError(log),
    checkOperation: (doc, operationName, variables, ctx) => checkOperation(doc, operationName, variables, limits, ctx),
  });

  const apollo = new ApolloServer<ApiContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // bounds the document (and the work of validating it) before anything else looks at it
    parseOptions: parseOptions(limits),
    // main.ts owns SIGINT/SIGTERM (Apollo's own handler would re-raise the signal into ours and never exit)
    stopOnTerminationSignals: false,
    formatError: formatError(log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: http }),
      // no HTTP caching of GraphQL responses here; the plugin costs a hook per resolved field
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(limits),
      responseCachePlugin,
      { async serverWillStart() { return { async drainServer() { await ws.dispose(); } }; } },
    ],
  });
  await apollo.start();

  const health = async (_req: Request, res: Response) => {
    const h = await checkHealth(services);
    res.status(h.ok ? 200 : 503).json(h);
  };
  // Artifact files for the dashboard's download links: same bearer token and project roles as GraphQL.
  // (The Authorization header makes browsers send a CORS preflight first.)
  app.options('/artifacts/:id', corsForDashboard);
  app.get('/artifacts/:id', corsForDashboard, async (req: Request, res: Response) => {
    const principal = await auth.authenticate(bearerToken(req.headers.authorization));
    if (!principal) return void res.status(401).json({ error: 'an API token is required: send Authorization: Bearer <token>', code: 'UNAUTHENTICATED' });
    const id = String(req.params.id);
    const a = isUuid(id) ? await artifactById(db, id) : null;
    if (!a || !principal.roles.has(a.projectId)) return void res.status(404).json({ error: `artifact ${id} not found`, code: 'NOT_FOUND' });
    try {
      const bytes = await services.store.get(a.key);
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('content-disposition', `attachment; filename="${a.name.split('/').pop()!.replace(/[^\w.-]/g, '_')}"`);
      res.setHeader('x-sha256', a.sha256);
      res.send(bytes);
    } catch (e) {
      res.status(404).json({ error: `artifact ${id} is listed but its file is missing from the store: ${e instanceof Error ? e.message : String(e)}`, code: 'NOT_FOUND' });
    }
  });
  mountDatasetUploads(app, (token) => auth.authenticate(token), services.datasets, log);
  mountExport(app, db, (header) => auth.authenticate(bearerToken(header)), corsForDashboard, log);
  mountMetrics(app, services, env.METRICS_TOKEN, log);
  app.get('/health', health);
  app.get('/healthz', health);
  app.use(
    '/graphql',
    corsForDashboard,
    express.json({ limit: env.MAX_REQUEST_BYTES }),
    graphqlHttpHandler({
      apollo,
      services,
      cache: responseCache,
      cacheable: new CacheableQueries(schema),
      authenticate: (header) => auth.authenticate(bearerToken(header)),
      maxResponseBytes: env.MAX_RESPONSE_BYTES,
    }),
  );
  // Body-parser errors (too large, malformed JSON) answer in GraphQL's error shape with a code.
  app.use((err: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err?.type === 'entity.too.large')
      return void res.status(413).json({ errors: [payloadTooLarge(env.MAX_REQUEST_BYTES).toJSON()] });
    if (err?.type === 'entity.parse.failed')
      return void res.status(400).json({ errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
    next(err);
  });

  const host = opts.host ?? env.API_HOST;
  await new Promise<void>((resolve) => http.listen(opts.port ?? env.API_PORT, host, resolve));
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host}:${port}/graphql`;
  log(`listening on ${url} (graphql-ws on ws://${host}:${port}/graphql)`);

  return {
    url,
    wsUrl: `ws://${host}:${port}/graphql`,
    port,
    services,
    async close() {
      clearInterval(uploadSweeper);
      await apollo.stop();
      await hub.close();
      await services.queues.close();
      redis.disconnect();
      if (ownDb) await db.$disconnect();
    },
  };
}
