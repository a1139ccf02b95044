// Bearer-token authentication and per-project roles (admin > editor > viewer).
import { apiTokenByHash, hashApiToken, touchApiToken, type Db, type Role, type User } from '@driftprune/db';
import { forbidden, isUuid, notFound, unauthenticated } from './errors.js';

export interface Principal {
  user: User;
  tokenId: string;
  /** When the token stops working (null: never); open WebSockets are closed then. */
  expiresAt: Date | null;
  /** projectId → role. Read-only: a role change clears the cache and the next request sees a new principal. */
  roles: ReadonlyMap<string, Role>;
}

export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, editor: 1, admin: 2 };

/** Reads `Bearer <token>` from a header value; null when absent. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/**
 * Token → principal, cached for a few seconds per API process: a busy dashboard sends many requests per second with
 * one token. Revocations and role changes clear it at once, here and in the other API processes (auth-events.ts);
 * the TTL only bounds staleness when such an event is lost (Redis down). Concurrent requests with an expired or
 * unknown token share one lookup (50 clients whose entry expired together would otherwise send 50 identical
 * queries at once: a latency spike every TTL, measured by bench:api).
 */
export class Authenticator {
  private readonly cache = new Map<string, { principal: Promise<Principal | null>; until: number }>();
  /** Bumped by clear(): a lookup that started before a revocation does not store its result. */
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5_000,
  ) {}

  clear(): void {
    this.cache.clear();
    this.generation++;
  }

  /** Resolves a token to its user and project roles; null for unknown, revoked or expired tokens. */
  authenticate(token: string | null): Promise<Principal | null> {
    if (!token) return Promise.resolve(null);
    const hash = hashApiToken(token);
    const hit = this.cache.get(hash);
    const now = Date.now();
    if (hit && hit.until > now) return hit.principal;
    const started = this.generation;
    const principal = lookupPrincipal(this.db, hash);
    if (this.cache.size > 10_000) this.cache.clear();
    // In flight, the entry serves concurrent callers; once settled it lives for the TTL (a failed lookup is not kept).
    const entry = { principal, until: Infinity };
    this.cache.set(hash, entry);
    principal.then(
      (p) => {
        if (this.generation === started && this.cache.get(hash) === entry) entry.until = Math.min(Date.now() + this.ttlMs, p?.expiresAt?.getTime() ?? Infinity);
        else if (this.cache.get(hash) === entry) this.cache.delete(hash);
      },
      () => {
        if (this.cache.get(hash) === entry) this.cache.delete(hash);
      },
    );
    return principal;
  }
}

async function lookupPrincipal(db: Db, hash: string): Promise<Principal | null> {
  const row = await apiTokenByHash(db, hash);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date())) return null;
  // lastUsedAt is informational: at most one write per token per minute
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)
    touchApiToken(db, row.id, new Date()).catch(() => {});
  const { members, ...user } = row.user;
  return { user, tokenId: row.id, expiresAt: row.expiresAt, roles: new Map(members.map((m) => [m.projectId, m.role])) };
}

export function requireUser(p: Principal | null): Principal {
  if (!p) throw unauthenticated();
  return p;
}

/** The caller's role in a project, or NOT_FOUND when the project is invisible to the caller. */
export function requireProject(p: Principal | null, projectId: string, min: Role = 'viewer'): Role {
  const principal = requireUser(p);
  const role = isUuid(projectId) ? principal.roles.get(projectId) : undefined;
  if (!role) throw notFound('project', projectId);
  if (ROLE_RANK[role] < ROLE_RANK[min]) throw forbidden(`this needs the ${min} role in project ${projectId}; you are ${role}`);
  return role;
}
