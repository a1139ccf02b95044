// graphql-ws on the API's HTTP server (same port and path as HTTP GraphQL). A socket keeps the caller's token, not
// their identity: every operation is authenticated anew (the short principal cache, cleared by auth events), then
// parsed, validated and limited like an HTTP request; its errors are masked like HTTP's and its results bounded by
// MAX_RESPONSE_BYTES. The sockets of a revoked token are closed (4401, not retried by clients), those of a user whose
// roles were lowered too (4403: clients reconnect and subscribe again with their current rights), and a socket whose
// token expires is closed when it does.
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, parse, validate, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { bearerToken, type Authenticator } from './auth.js';
import type { AuthEvent, AuthEvents } from './auth-events.js';
import type { ApiContext, ApiServices } from './context.js';
import { clientInfo } from './dev-login.js';
import { responseTooLarge } from './errors.js';
import { parseOptions, type Limits } from './limits.js';
import { limitMessageSize, wsHardCap } from './ws-payload-limit.js';

export const CLOSE_TOKEN_REVOKED = 4401;
export const CLOSE_ROLES_CHANGED = 4403;

export interface GraphqlWsOptions {
  http: Server;
  schema: GraphQLSchema;
  services: ApiServices;
  auth: Authenticator;
  authEvents: AuthEvents;
  limits: Limits;
  maxRequestBytes: number;
  maxResponseBytes: number;
  /** The dashboard's origins: a browser's upgrade request from any other Origin is refused (403). */
  origins: readonly string[];
  /** The HTTP side's error formatting (internal errors masked and logged). */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Checks an operation before it runs (limits, introspection rights); throws a GraphQLError. */
  checkOperation: (doc: ReturnType<typeof parse>, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, ctx: ApiContext) => void;
}

/** What a socket holds: its token (for the per-operation check) and whose it is (for closing on auth events). */
interface Connection {
  token: string | null;
  tokenId: string | null;
  userId: string | null;
  expiryTimer?: NodeJS.Timeout;
}

type Params = { authorization?: string; Authorization?: string };
type Extra = { connection?: Connection };

/** Longest delay setTimeout takes; a later expiry is checked per operation anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function serveGraphqlWs(o: GraphqlWsOptions): { dispose(): Promise<void> } {
  // Browsers send Origin with every WebSocket upgrade and apply no CORS to WebSockets: refuse other pages here.
  // Clients that are not browsers (CLI, workers, tests) send none.
  const verifyClient = ({ origin }: { origin?: string }, done: (ok: boolean, status?: number, message?: string) => void) =>
    !origin || o.origins.includes(origin) ? done(true) : done(false, 403, 'Forbidden: this origin may not use the API');
  const wss = new WebSocketServer({ server: o.http, path: '/graphql', maxPayload: wsHardCap(o.maxRequestBytes), verifyClient });
  // Messages over MAX_REQUEST_BYTES get a coded error like HTTP's 413; only past the hard cap does ws close with 1009.
  limitMessageSize(wss, o.maxRequestBytes);
  const sockets = new Map<WebSocket, Connection>();

  o.authEvents.on((e: AuthEvent) => {
    for (const [socket, c] of sockets) {
      if (e.kind === 'token-revoked' && c.tokenId === e.tokenId) socket.close(CLOSE_TOKEN_REVOKED, 'Unauthorized: the API token was revoked');
      else if (e.kind === 'roles-changed' && e.reduced && c.userId === e.userId) socket.close(CLOSE_ROLES_CHANGED, 'Forbidden: your project roles changed; reconnect');
    }
  });

  const format = (errors: readonly GraphQLError[]) => errors.map((e) => o.formatError(e.toJSON(), e));

  const cleanup = useServer<Params, Extra>(
    {
      onConnect: async (c) => {
        const header = c.connectionParams?.authorization ?? c.connectionParams?.Authorization ?? c.extra.request.headers.authorization;
        const token = bearerToken(typeof header === 'string' ? header : null);
        const principal = await o.auth.authenticate(token);
        const connection: Connection = { token, tokenId: principal?.tokenId ?? null, userId: principal?.user.id ?? null };
        const socket = c.extra.socket;
        if (principal?.expiresAt) {
          const ms = principal.expiresAt.getTime() - Date.now();
          if (ms < MAX_TIMER_MS) connection.expiryTimer = setTimeout(() => socket.close(CLOSE_TOKEN_REVOKED, 'Unauthorized: the API token expired'), Math.max(0, ms)).unref();
        }
        (c.extra as Extra).connection = connection;
        sockets.set(socket, connection);
        socket.once('close', () => {
          clearTimeout(connection.expiryTimer);
          sockets.delete(socket);
        });
        // A socket without a (valid) token is accepted like an HTTP request without one: each operation then
        // answers UNAUTHENTICATED, with the same code and message as over HTTP.
        return true;
      },
      onSubscribe: async (c, _id, payload) => {
        try {
          const document = parse(payload.query, parseOptions(o.limits));
          const errors = validate(o.schema, document);
          if (errors.length) return errors;
          const principal = await o.auth.authenticate((c.extra as Extra).connection?.token ?? null);
          const ctx: ApiContext = { ...o.services, principal, client: clientInfo(c.extra.request) };
          o.checkOperation(document, payload.operationName, payload.variables ?? {}, ctx);
          return { schema: o.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: ctx };
        } catch (e) {
          if (e instanceof GraphQLError) return [e];
          throw e;
        }
      },
      onNext: (_c, _id, _payload, _args, result: ExecutionResult) => {
        const out = result.errors ? { ...result, errors: format(result.errors) } : result;
        return JSON.stringify(out).length > o.maxResponseBytes ? { errors: [responseTooLarge(o.maxResponseBytes).toJSON()] } : out;
      },
      onError: (_c, _id, _payload, errors) => format(errors),
    },
    wss,
  );
  return { dispose: async () => { await cleanup.dispose(); } };
}
