'use client';
// Holds the API's address (from the server's environment, so one build serves any deployment), the user's token
// (kept in localStorage) and one subscription client per token.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { Client } from 'graphql-ws';
import { createSubscriptionClient } from './client.js';

const TOKEN_KEY = 'driftprune.token';

export interface ApiContextValue {
  apiUrl: string;
  localMode: boolean;
  /** null while reading localStorage on first render, '' when signed out. */
  token: string | null;
  signIn(token: string): void;
  signOut(): void;
  subscriptions(): Client | null;
}

const ApiContext = createContext<ApiContextValue | null>(null);

export function ApiProvider({ apiUrl, localMode, children }: { apiUrl: string; localMode: boolean; children: React.ReactNode }) {
  const [token, setToken] = useState<string | null>(null);
  const wsRef = useRef<{ token: string; client: Client } | null>(null);

  useEffect(() => {
    setToken(window.localStorage.getItem(TOKEN_KEY) ?? '');
  }, []);

  const signIn = useCallback((t: string) => {
    window.localStorage.setItem(TOKEN_KEY, t);
    setToken(t);
  }, []);
  const signOut = useCallback(() => {
    window.localStorage.removeItem(TOKEN_KEY);
    setToken('');
  }, []);

  const subscriptions = useCallback(() => {
    if (!token) return null;
    if (wsRef.current?.token !== token) {
      void wsRef.current?.client.dispose();
      wsRef.current = { token, client: createSubscriptionClient(apiUrl, token) };
    }
    return wsRef.current.client;
  }, [apiUrl, token]);

  useEffect(() => () => void wsRef.current?.client.dispose(), []);

  const value = useMemo(() => ({ apiUrl, localMode, token, signIn, signOut, subscriptions }), [apiUrl, localMode, token, signIn, signOut, subscriptions]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiContextValue {
  const v = useContext(ApiContext);
  if (!v) throw new Error('useApi must be used inside <ApiProvider>');
  return v;
}
