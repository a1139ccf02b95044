// The only way the dashboard reaches data: GraphQL over HTTP (queries, mutations) and graphql-ws (subscriptions),
// both with the user's bearer token.
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';

/** An error the API returned (with its `extensions.code`) or a network failure (code NETWORK). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
    /** For BAD_USER_INPUT from config validation: one entry per problem (dotted path and message). */
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; issues?: { path: string; message: string }[] } }[];
}

export async function request<TResult, TVariables>(
  url: string,
  token: string | null,
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(`cannot reach the API at ${url}: ${e instanceof Error ? e.message : String(e)}`, 'NETWORK');
  }
  let body: GraphQLResponse<TResult>;
  try {
    body = (await res.json()) as GraphQLResponse<TResult>;
  } catch {
    throw new ApiError(`the API answered HTTP ${res.status} without JSON`, res.status === 401 ? 'UNAUTHENTICATED' : 'NETWORK', res.status);
  }
  if (body.errors && body.errors.length > 0) {
    const first = body.errors[0];
    throw new ApiError(
      body.errors.map((e) => e.message).join('; '),
      first.extensions?.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_SERVER_ERROR'),
      res.status,
      first.extensions?.issues,
    );
  }
  if (!body.data) throw new ApiError(`the API answered HTTP ${res.status} without data`, 'INTERNAL_SERVER_ERROR', res.status);
  return body.data;
}

/** The WebSocket URL of the same endpoint (http → ws, https → wss). */
export function wsUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

/** A graphql-ws client that authenticates with the token in its connection parameters and reconnects by itself. */
export function createSubscriptionClient(httpUrl: string, token: string): Client {
  return createClient({
    url: wsUrl(httpUrl),
    connectionParams: () => ({ authorization: `Bearer ${token}`, token }),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** retries)));
    },
  });
}
