'use client';
// Small data hooks over the typed client: a query with refetch and optional polling, a mutation, a subscription.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { ApiError, request } from './client.js';
import { useApi } from './provider.js';

export interface QueryState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  refetch(): Promise<void>;
  /** Local updates (e.g. from a subscription) without a round trip. */
  setData: React.Dispatch<React.SetStateAction<T | undefined>>;
}

export function useQuery<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: { skip?: boolean; pollMs?: number } = {},
): QueryState<TResult> {
  const { apiUrl, token, signOut } = useApi();
  const [data, setData] = useState<TResult>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const key = JSON.stringify(variables);
  const varsRef = useRef(variables);
  varsRef.current = variables;
  const skip = options.skip || !token;

  const run = useCallback(
    async (signal?: AbortSignal) => {
      if (skip) return;
      try {
        const d = await request(apiUrl, token, document, varsRef.current, signal);
        if (signal?.aborted) return;
        setData(d);
        setError(null);
      } catch (e) {
        if (signal?.aborted) return;
        const err = e instanceof ApiError ? e : new ApiError(String(e), 'NETWORK');
        setError(err);
        if (err.code === 'UNAUTHENTICATED') signOut();
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    // The variables are compared by their JSON (key), not by identity.
    [apiUrl, token, document, key, skip, signOut],
  );

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    void run(ac.signal);
    if (!options.pollMs) return () => ac.abort();
    const timer = setInterval(() => void run(ac.signal), options.pollMs);
    return () => {
      ac.abort();
      clearInterval(timer);
    };
  }, [run, options.pollMs]);

  const refetch = useCallback(() => run(), [run]);
  return { data, error, loading: loading && !skip, refetch, setData };
}

export function useMutation<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>) {
  const { apiUrl, token } = useApi();
  const [state, setState] = useState<{ loading: boolean; error: ApiError | null }>({ loading: false, error: null });
  const mutate = useCallback(
    async (variables: TVariables): Promise<TResult> => {
      setState({ loading: true, error: null });
      try {
        const d = await request(apiUrl, token, document, variables);
        setState({ loading: false, error: null });
        return d;
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError(String(e), 'NETWORK');
        setState({ loading: false, error: err });
        throw err;
      }
    },
    [apiUrl, token, document],
  );
  return [mutate, state] as const;
}

/** Calls onData for every event of the subscription while mounted; reconnects on its own. */
export function useSubscription<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  onData: (d: TResult) => void,
  options: { skip?: boolean } = {},
): { connected: boolean; error: string | null } {
  const { subscriptions, token } = useApi();
  const onDataRef = useRef(onData);
  onDataRef.current = onData;
  const [status, setStatus] = useState<{ connected: boolean; error: string | null }>({ connected: false, error: null });
  const key = JSON.stringify(variables);
  const query = print(document);

  useEffect(() => {
    if (options.skip || !token) return;
    const client = subscriptions();
    if (!client) return;
    const offConnected = client.on('connected', () => setStatus({ connected: true, error: null }));
    const offClosed = client.on('closed', () => setStatus((s) => ({ ...s, connected: false })));
    const dispose = client.subscribe<TResult>(
      { query, variables: JSON.parse(key) as Record<string, unknown> },
      {
        next: (msg) => {
          if (msg.data) onDataRef.current(msg.data);
          if (msg.errors?.length) setStatus((s) => ({ ...s, error: msg.errors!.map((e) => e.message).join('; ') }));
        },
        error: (e) => setStatus({ connected: false, error: e instanceof Error ? e.message : 'subscription closed' }),
        complete: () => undefined,
      },
    );
    return () => {
      dispose();
      offConnected();
      offClosed();
    };
  }, [subscriptions, token, query, key, options.skip]);

  return status;
}

/** Fetches every page of a cursor-paginated list (up to `limit` items), with progress, for tables of 1000+ runs. */
export async function fetchAllPages<TNode>(
  fetchPage: (after: string | null) => Promise<{ nodes: TNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number }>,
  onProgress?: (loaded: number, total: number) => void,
  limit = 20_000,
): Promise<{ nodes: TNode[]; total: number }> {
  const nodes: TNode[] = [];
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const page = await fetchPage(after);
    nodes.push(...page.nodes);
    total = page.totalCount;
    onProgress?.(nodes.length, total);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor || nodes.length >= limit) break;
    after = page.pageInfo.endCursor;
  }
  return { nodes, total };
}
