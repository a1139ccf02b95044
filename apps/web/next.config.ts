import type { NextConfig } from 'next';

// Internal workspaces ship TypeScript source with NodeNext-style `./x.js` imports. Next compiles them with the app
// (transpilePackages), and webpack maps `.js` to the `.ts` file beside it (extensionAlias); Turbopack has no such
// mapping yet, so the scripts build with `--webpack`.
const config: NextConfig = {
  transpilePackages: ['@driftprune/config'],
  reactStrictMode: true,
  poweredByHeader: false,
  experimental: { extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
};

export default config;
