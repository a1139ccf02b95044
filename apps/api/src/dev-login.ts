// Local mode's dev login: the demo user's API token without credentials, for the dashboard on this machine only.
// It answers only a request from one of the dashboard's origins (CORS_ORIGINS) that reached the API by a loopback
// Host from a loopback address, so neither another web page (its Origin), a DNS-rebinding page (its Host) nor
// another machine (its address) gets a token. The token is one and reused: a new one is minted only when this
// process has none that still works (then the older dev-login tokens are revoked), not one row per call.
import type { IncomingMessage } from 'node:http';
import type { Db } from '@driftprune/db';
import { apiTokenById, newApiToken, replaceNamedApiToken, type ApiToken } from '@driftprune/db';
import type { AuthEvent } from './auth-events.js';
import { forbidden } from './errors.js';
import { ensureDemo } from './seed.js';

/** Where a request came from, as the API saw it (HTTP request, or a WebSocket's upgrade request). */
export interface ClientInfo {
  origin: string | null;
  host: string | null;
  remoteAddress: string | null;
}

export function clientInfo(req: IncomingMessage): ClientInfo {
  const origin = req.headers.origin;
  return { origin: typeof origin === 'string' ? origin : null, host: req.headers.host ?? null, remoteAddress: req.socket.remoteAddress ?? null };
}

export const DEV_TOKEN_NAME = 'dev login';
const DEV_TOKEN_DAYS = 1;
/** A token this close to its expiry is replaced instead of handed out. */
const RENEW_BEFORE_MS = 3_600_000;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host name of a Host header ("127.0.0.1:4000" → "127.0.0.1", "[::1]:4000" → "[::1]"). */
function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

function isLoopbackAddress(a: string): boolean {
  return a === '::1' || /^(::ffff:)?127\./.test(a);
}

/** Why this request may not use the dev login, or null when it may. */
export function devLoginRefusal(client: ClientInfo | undefined, origins: readonly string[]): string | null {
  if (!client?.origin || !origins.includes(client.origin)) return 'the dev login answers only the dashboard (an Origin listed in CORS_ORIGINS)';
  if (!client.host || !LOOPBACK_HOSTS.has(hostName(client.host).toLowerCase())) return 'the dev login answers only requests to a loopback address (Host 127.0.0.1, localhost or [::1])';
  if (!client.remoteAddress || !isLoopbackAddress(client.remoteAddress)) return 'the dev login answers only requests from this machine';
  return null;
}

export class DevLogin {
  private current: { token: string; row: ApiToken } | null = null;
  private minting: Promise<{ token: string; row: ApiToken }> | null = null;

  constructor(
    private readonly db: Db,
    private readonly origins: readonly string[],
    /** Announces the revocation of replaced dev tokens (their sockets close, caches forget them). */
    private readonly announce: (e: AuthEvent) => Promise<void>,
  ) {}

  /** The dev token for an allowed request; FORBIDDEN (with the reason) for any other. */
  async login(client: ClientInfo | undefined): Promise<{ token: string; apiToken: ApiToken }> {
    const refusal = devLoginRefusal(client, this.origins);
    if (refusal) throw forbidden(refusal);
    const t = await this.token();
    return { token: t.token, apiToken: t.row };
  }

  private async token(): Promise<{ token: string; row: ApiToken }> {
    if (this.current) {
      const row = await apiTokenById(this.db, this.current.row.id);
      if (row && !row.revokedAt && row.expiresAt && row.expiresAt.getTime() - Date.now() > RENEW_BEFORE_MS) return { token: this.current.token, row };
      this.current = null;
    }
    // Concurrent first logins share one new token.
    this.minting ??= this.mint().finally(() => (this.minting = null));
    return this.minting;
  }

  private async mint(): Promise<{ token: string; row: ApiToken }> {
    const { userId } = await ensureDemo(this.db);
    const t = newApiToken();
    const { row, replaced } = await replaceNamedApiToken(this.db, { userId, name: DEV_TOKEN_NAME, tokenHash: t.hash, prefix: t.prefix, expiresAt: new Date(Date.now() + DEV_TOKEN_DAYS * 86_400_000) });
    for (const tokenId of replaced) await this.announce({ kind: 'token-revoked', tokenId, userId });
    this.current = { token: t.token, row };
    return this.current;
  }
}
