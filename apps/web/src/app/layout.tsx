import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import 'uplot/dist/uPlot.min.css';
import './globals.css';
import { ApiProvider } from '../lib/api/provider.js';
import { AppShell } from '../components/AppShell.js';
import { runtimeConfig } from '../lib/runtime-config.js';

export const metadata: Metadata = {
  title: { default: 'driftprune', template: '%s · driftprune' },
  description: 'Pruning online recommendation models on non-stationary data: experiments, sweeps and runs.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The API address comes from this server's environment at request time.
  await connection();
  const { apiUrl, localMode } = runtimeConfig();
  return (
    <html lang="en">
      <body>
        <ApiProvider apiUrl={apiUrl} localMode={localMode}>
          <AppShell>{children}</AppShell>
        </ApiProvider>
      </body>
    </html>
  );
}
