import type { NextConfig } from 'next';

// Internal workspaces ship TypeScript source with NodeNext-style `./x.js` imports. Next compiles them with the app
// (transpilePackages), and webpack maps `.js` to the `.ts` file beside it (extensionAlias); Turbopack has no such
// mapping yet, so the scripts build with `--webpack`.
const config: NextConfig = {
  transpilePackages: ['@driftprune/config'],
  reactStrictMode: true,
  poweredByHeader: false,
  // Every response, static files included: no framing, no MIME sniffing, no full URLs in Referer to other sites, no
  // powerful features. The Content-Security-Policy is built per request (src/proxy.ts, lib/security-headers.ts).
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
  experimental: { extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
};

export default config;
