// The dashboard's security headers. The Content-Security-Policy is built per request by src/proxy.ts: its script
// nonce is fresh each time (Next.js puts it on its own scripts), and the API it may connect to (HTTP and WebSocket)
// comes from PUBLIC_API_URL at request time, like the rest of the runtime configuration. The headers that are the
// same for every response (X-Frame-Options, nosniff, Referrer-Policy …) are in next.config.ts.

/** http(s)://host:port of the API, and the ws(s) origin graphql-ws connects to. */
export function apiOrigins(apiUrl: string): string[] {
  const u = new URL(apiUrl);
  return [u.origin, `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`];
}

/**
 * Scripts: only this origin's bundles and inline scripts carrying the request's nonce ('strict-dynamic' lets those
 * load the chunks they import). Styles: this origin, plus inline style attributes (components and uPlot set them;
 * a nonce cannot cover attributes, and with a nonce present browsers would ignore 'unsafe-inline'). Connections:
 * this origin and the API. No plugins, no framing, no foreign forms or base URLs.
 */
export function contentSecurityPolicy(o: { apiUrl: string; nonce: string; dev?: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${o.nonce}' 'strict-dynamic'${o.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ${apiOrigins(o.apiUrl).join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
