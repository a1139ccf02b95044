// The /graphql HTTP handler: Apollo Server's executeHTTPGraphQLRequest (as @as-integrations/express5 calls it), with
// the response cache in front for cacheable queries. Responses carry `x-response-cache`: hit (served from the
// cache), shared (a concurrent identical request's result, see below), miss (executed, then stored if error-free) or
// bypass (not cacheable).
//
// Identical cacheable requests that miss at the same version share one execution: after a write drops a project's
// entries, the 50 dashboards polling it would otherwise all execute the same query at once.
import type { Request, Response } from 'express';
import { HeaderMap, type ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { Principal } from '../auth.js';
import { responseTooLarge } from '../errors.js';
import { clientInfo } from '../dev-login.js';
import type { ApiContext, ApiServices } from '../context.js';
import type { CacheableQueries } from './cacheable.js';
import type { CachedResponse, ResponseCache } from './response-cache.js';

/** Set by the plugin below when a query's result has no errors (only such results are stored). */
export interface CacheOutcome {
  storable: boolean;
}

/** Marks error-free query results as storable on the request's context. */
export const responseCachePlugin: ApolloServerPlugin<ApiContext> = {
  async requestDidStart() {
    return {
      async willSendResponse(rc) {
        const body = rc.response.body;
        if (rc.contextValue.cacheOutcome && body.kind === 'single' && !body.singleResult.errors && rc.operation?.operation === 'query')
          rc.contextValue.cacheOutcome.storable = true;
      },
    };
  },
};

/** The caller's part of a cache key and the projects whose versions its responses depend on. */
const scopes = new WeakMap<Principal, { key: string; projects: string[] }>();
function scopeOf(p: Principal): { key: string; projects: string[] } {
  let s = scopes.get(p);
  if (!s) {
    const projects = [...p.roles.keys()].sort();
    s = { key: `${p.user.id}|${projects.map((id) => `${id}:${p.roles.get(id)}`).join(',')}`, projects };
    scopes.set(p, s);
  }
  return s;
}

export interface GraphqlHandlerOptions {
  apollo: ApolloServer<ApiContext>;
  services: ApiServices;
  cache: ResponseCache;
  cacheable: CacheableQueries;
  authenticate: (authorizationHeader: string | undefined) => Promise<Principal | null>;
  /** MAX_RESPONSE_BYTES: a larger body is replaced by a RESPONSE_TOO_LARGE error (and is not cached). */
  maxResponseBytes: number;
}

function sendStored(res: Response, r: CachedResponse, how: 'hit' | 'shared'): void {
  // Straight to the socket: no ETag hashing or re-encoding of the stored bytes (express's res.send does both).
  res.writeHead(200, { 'content-type': r.contentType, 'content-length': r.body.length, 'x-response-cache': how });
  res.end(r.body);
}

/** Executions of cacheable requests in progress, by cache key and the version they started at. */
class Executions {
  private readonly running = new Map<string, { version: number; result: Promise<CachedResponse | null> }>();

  /** The coming result of an identical execution that started at `version`, if one runs (null: not shareable). */
  join(key: string, version: number): Promise<CachedResponse | null> | undefined {
    const e = this.running.get(key);
    return e && e.version === version ? e.result : undefined;
  }

  /** Registers an execution; the returned function, called once or more, publishes its result (first call wins). */
  start(key: string, version: number): (result: CachedResponse | null) => void {
    let resolve!: (r: CachedResponse | null) => void;
    const entry = { version, result: new Promise<CachedResponse | null>((r) => (resolve = r)) };
    this.running.set(key, entry);
    return (result) => {
      if (this.running.get(key) === entry) this.running.delete(key);
      resolve(result);
    };
  }
}

export function graphqlHttpHandler(o: GraphqlHandlerOptions) {
  const executions = new Executions();
  return async (req: Request, res: Response): Promise<void> => {
    const body = req.body as { query?: unknown; operationName?: unknown; variables?: unknown } | undefined;
    let principal: Principal | null | undefined;
    let cached: { key: string; projects: string[]; version: number } | undefined;
    if (o.cache.enabled && req.method === 'POST' && typeof body?.query === 'string') {
      const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
      if (o.cacheable.check(body.query, operationName)) {
        principal = await o.authenticate(req.headers.authorization);
        if (principal) {
          const scope = scopeOf(principal);
          const key = [scope.key, req.headers.accept ?? '', operationName ?? '', JSON.stringify(body.variables ?? null), body.query].join(
            '\u0000',
          );
          const hit = o.cache.get(key, scope.projects);
          if (hit) return sendStored(res, hit, 'hit');
          // The version before execution: a write committed while this request runs makes its body unstorable.
          const version = o.cache.version(scope.projects);
          const running = executions.join(key, version);
          const shared = running && (await running);
          if (shared) return sendStored(res, shared, 'shared');
          cached = { key, projects: scope.projects, version };
        }
      }
    }

    const outcome: CacheOutcome = { storable: false };
    const settle = cached ? executions.start(cached.key, cached.version) : undefined;
    try {
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const q = req.url.indexOf('?');
      const response = await o.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: q >= 0 ? req.url.slice(q) : '', body: req.body },
        context: async () => ({
          ...o.services,
          principal: principal !== undefined ? principal : await o.authenticate(req.headers.authorization),
          client: clientInfo(req),
          cacheOutcome: cached ? outcome : undefined,
        }),
      });
      for (const [k, v] of response.headers) res.setHeader(k, v);
      res.setHeader('x-response-cache', cached ? 'miss' : 'bypass');
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        if (Buffer.byteLength(response.body.string) > o.maxResponseBytes) {
          res.statusCode = 400;
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.send(JSON.stringify({ errors: [responseTooLarge(o.maxResponseBytes).toJSON()] }));
          return;
        }
        if (cached && outcome.storable && res.statusCode === 200) {
          const stored = {
            body: Buffer.from(response.body.string),
            contentType: response.headers.get('content-type') ?? 'application/json; charset=utf-8',
          };
          o.cache.set(cached.key, cached.projects, cached.version, stored);
          settle?.(stored);
        }
        res.send(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } finally {
      settle?.(null); // errors and failures are not shared: waiting requests execute on their own
    }
  };
}
