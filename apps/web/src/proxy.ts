// Runs before every page request (Next.js proxy, Node.js runtime): a fresh nonce and the Content-Security-Policy
// built from this server's environment (see lib/security-headers.ts). Next.js reads the policy from the request
// headers and puts the nonce on the scripts it renders; the response carries the same policy.
import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy } from './lib/security-headers.js';
import { loadEnvFields } from '@driftprune/config';

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const env = loadEnvFields(['PUBLIC_API_URL', 'NODE_ENV']);
  const csp = contentSecurityPolicy({ apiUrl: env.PUBLIC_API_URL, nonce, dev: env.NODE_ENV === 'development' });
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  // Pages only: static files need no policy (they get the static headers of next.config.ts), and prefetches are
  // not documents.
  matcher: [
    {
      source: '/((?!_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
