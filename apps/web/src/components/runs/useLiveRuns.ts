'use client';
// Loads every run of a list (page by page, with progress) and keeps them current from the runUpdated subscription:
// known runs are patched in place; a run the list has not seen triggers a reload.
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchAllPages, useSubscription } from '../../lib/api/hooks.js';
import { useApi } from '../../lib/api/provider.js';
import { ApiError } from '../../lib/api/client.js';
import { RunUpdatedDocument, type RunListFieldsFragment, type RunUpdatedSubscription } from '../../gql/graphql.js';

type Page<T> = { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number };

export function useLiveRuns<T extends RunListFieldsFragment>(
  projectId: string | undefined,
  fetchPage: (after: string | null, token: string) => Promise<Page<T>>,
  /** Which runs of the project belong to this list (e.g. one experiment's). */
  belongs: (u: RunUpdatedSubscription['runUpdated']) => boolean,
  key: string,
) {
  const { token } = useApi();
  const [runs, setRuns] = useState<T[]>([]);
  const [loaded, setLoaded] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const belongsRef = useRef(belongs);
  belongsRef.current = belongs;
  const idsRef = useRef(new Set<string>());
  useEffect(() => {
    idsRef.current = new Set(runs.map((r) => r.id));
  }, [runs]);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    if (!token) return;
    try {
      const { nodes } = await fetchAllPages((after) => fetchRef.current(after, token), (done, total) => setLoaded({ done, total }));
      setRuns(nodes);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(String(e), 'NETWORK'));
    } finally {
      setLoading(false);
    }
  }, [token]);

  useEffect(() => {
    setLoading(true);
    void load();
  }, [load, key]);

  const scheduleReload = useCallback(() => {
    if (reloadTimer.current) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = null;
      void load();
    }, 500);
  }, [load]);
  useEffect(() => () => void (reloadTimer.current && clearTimeout(reloadTimer.current)), []);

  const live = useSubscription(
    RunUpdatedDocument,
    { projectId: projectId ?? '' },
    (d) => {
      const u = d.runUpdated;
      if (!belongsRef.current(u)) return;
      if (!idsRef.current.has(u.id)) scheduleReload();
      else setRuns((rs) => rs.map((r) => (r.id === u.id ? { ...r, ...u } : r)));
    },
    { skip: !projectId },
  );

  return { runs, loaded, error, loading, reload: load, live };
}
