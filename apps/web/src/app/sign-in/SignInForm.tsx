'use client';
// Sign in with an API token (checked against the API before it is kept); in local mode, a dev login as the demo user.
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { ApiError, request } from '../../lib/api/client.js';
import { useApi } from '../../lib/api/provider.js';
import { MeDocument } from '../../gql/graphql.js';
import { DevLogin } from './DevLogin.js';
import { usePageTitle } from '../../lib/page-title.js';

export function SignInForm() {
  usePageTitle('Sign in');
  const { apiUrl, localMode, signIn } = useApi();
  const router = useRouter();
  const params = useSearchParams();
  const next = params.get('next');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const accept = async (t: string) => {
    setBusy(true);
    setError(null);
    try {
      const me = await request(apiUrl, t, MeDocument);
      signIn(t);
      const target = next && next.startsWith('/') && !next.startsWith('//') && next !== '/sign-in' ? next : '/projects';
      router.replace(me.me.memberships.length === 1 && target === '/projects' ? `/projects/${me.me.memberships[0].project.id}` : target);
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'UNAUTHENTICATED' ? 'The API does not accept this token (unknown, revoked or expired).' : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel" style={{ maxWidth: 520, margin: '2rem auto' }}>
      <h1>Sign in</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void accept(token.trim());
        }}
      >
        <div className="field">
          <label htmlFor="token">API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-describedby="token-help"
            aria-invalid={error ? true : undefined}
            required
          />
          <p id="token-help" className="help">
            Create one with <code>driftprune token create</code>, or on the API as <code>createApiToken</code>. It is kept in this
            browser only.
          </p>
        </div>
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      {localMode ? <DevLogin onToken={accept} busy={busy} /> : null}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <p className="muted" style={{ marginTop: '1rem', fontSize: '0.85rem' }}>
        API: <code>{apiUrl}</code>
      </p>
    </div>
  );
}
