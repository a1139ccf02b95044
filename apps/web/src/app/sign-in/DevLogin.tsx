'use client';
// Local mode only: one click gets the demo user's dev token from the API (mutation devLogin; the API answers only
// the dashboard's origin on this machine, and hands out the same token until it is revoked or expires).
import { useState } from 'react';
import { request } from '../../lib/api/client.js';
import { useApi } from '../../lib/api/provider.js';
import { DevLoginDocument } from '../../gql/graphql.js';

export function DevLogin({ onToken, busy }: { onToken: (token: string) => Promise<void>; busy: boolean }) {
  const { apiUrl } = useApi();
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-label="Local mode" style={{ marginTop: '1.25rem', borderTop: '1px solid var(--line)', paddingTop: '1rem' }}>
      <p className="muted" style={{ marginTop: 0 }}>
        Local mode: sign in as the demo user without a token.
      </p>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={async () => {
          setError(null);
          try {
            const d = await request(apiUrl, null, DevLoginDocument);
            await onToken(d.devLogin.token);
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          }
        }}
      >
        Dev login (demo user)
      </button>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
