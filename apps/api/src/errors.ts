// Coded GraphQL errors: clients branch on extensions.code, never on message text.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ConfigError } from '@driftprune/config';
import { isRowNotFound } from '@driftprune/db';

export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'INTERNAL_SERVER_ERROR';

export function apiError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badInput = (message: string, issues?: { path: string; message: string }[], extra: Record<string, unknown> = {}) =>
  apiError('BAD_USER_INPUT', message, { ...(issues ? { issues } : {}), ...extra });
export const unauthenticated = (message = 'an API token is required: send Authorization: Bearer <token>') => apiError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => apiError('FORBIDDEN', message);
/** A request (HTTP body or graphql-ws message) over MAX_REQUEST_BYTES: the same error on both transports. */
export const payloadTooLarge = (limitBytes: number, what = 'request body') =>
  apiError('BAD_USER_INPUT', `${what} exceeds ${limitBytes} bytes`, { reason: 'PAYLOAD_TOO_LARGE', limit: limitBytes });
/** A result over MAX_RESPONSE_BYTES is replaced by this (HTTP and graphql-ws alike). */
export const responseTooLarge = (limitBytes: number) =>
  apiError('BAD_USER_INPUT', `the response exceeds ${limitBytes} bytes; ask for less (smaller first or maxPoints, fewer fields)`, { reason: 'RESPONSE_TOO_LARGE', limit: limitBytes });
/** Also used for objects in projects the caller cannot see, so that their existence does not leak. */
export const notFound = (what: string, id: string) => apiError('NOT_FOUND', `${what} ${id} not found`);

/** Runs a zod validation (parseConfig) and turns a ConfigError into BAD_USER_INPUT with its issue list. */
export function validated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError) throw badInput(e.message, e.issues);
    throw e;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs: anything else cannot exist (NOT_FOUND) and never reaches the database as a malformed uuid. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** Errors that are not ours (bugs, database outages) are logged and masked; ours keep their code. */
export function formatError(log: (m: string) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (isRowNotFound(original))
      return { message: 'not found (it may have been deleted)', path: formatted.path, extensions: { code: 'NOT_FOUND' } };
    const code = formatted.extensions?.code;
    if (!code || code === 'INTERNAL_SERVER_ERROR') {
      log(`internal error: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`);
      return { message: 'internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
    return { message: formatted.message, path: formatted.path, locations: formatted.locations, extensions };
  };
}
