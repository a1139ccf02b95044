import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiOrigins, contentSecurityPolicy } from './security-headers.js';

const directives = (csp: string) => Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

test('the policy lets the dashboard reach its API over HTTP and WebSocket, and nothing else', () => {
  assert.deepEqual(apiOrigins('http://127.0.0.1:4000/graphql'), ['http://127.0.0.1:4000', 'ws://127.0.0.1:4000']);
  assert.deepEqual(apiOrigins('https://api.example.com/graphql'), ['https://api.example.com', 'wss://api.example.com']);
  const d = directives(contentSecurityPolicy({ apiUrl: 'https://api.example.com/graphql', nonce: 'abc123' }));
  assert.deepEqual(d['connect-src'], ["'self'", 'https://api.example.com', 'wss://api.example.com']);
  assert.deepEqual(d['script-src'], ["'self'", "'nonce-abc123'", "'strict-dynamic'"], 'no unsafe-inline or unsafe-eval for scripts');
  assert.deepEqual(d['frame-ancestors'], ["'none'"]);
  assert.deepEqual(d['object-src'], ["'none'"]);
  assert.deepEqual(d['default-src'], ["'self'"]);
  assert.ok(!d['style-src'].some((s: string) => s.startsWith("'nonce-")), "a style nonce would make browsers ignore 'unsafe-inline' for style attributes");
  assert.ok(contentSecurityPolicy({ apiUrl: 'http://x:1/graphql', nonce: 'n', dev: true }).includes("'unsafe-eval'"), 'next dev needs eval');
});
