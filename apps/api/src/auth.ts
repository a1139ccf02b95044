// Bearer-token authentication and per-project roles (admin > editor > viewer).
import { hashApiToken, type Db, type Role, type User } from '@driftprune/db';
import { forbidden, isUuid, notFound, unauthenticated } from './errors.js';

export interface Principal {
  user: User;
  tokenId: string;
  /** projectId → role */
  roles: Map<string, Role>;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Reads `Bearer <token>` from a header value; null when absent. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/**
 * Principals by token hash for a few seconds: a busy dashboard sends many requests per second with one token.
 * This process clears it on revocation and membership changes; other API processes see those within PRINCIPAL_TTL_MS.
 * Concurrent requests with an expired or unknown token share one lookup (50 clients whose entry expired together
 * would otherwise send 50 identical queries at once: a latency spike every TTL, measured by bench:api).
 */
const PRINCIPAL_TTL_MS = 5_000;
const principalCache = new Map<string, { principal: Promise<Principal | null>; until: number }>();
/** Bumped by clearPrincipalCache: a lookup that started before a revocation does not store its result. */
let generation = 0;

export function clearPrincipalCache(): void {
  principalCache.clear();
  generation++;
}

/** Resolves a token to its user and project roles; null for unknown, revoked or expired tokens. */
export function authenticate(db: Db, token: string | null): Promise<Principal | null> {
  if (!token) return Promise.resolve(null);
  const hash = hashApiToken(token);
  const hit = principalCache.get(hash);
  const now = Date.now();
  if (hit && hit.until > now) return hit.principal;
  const started = generation;
  const principal = lookupPrincipal(db, hash);
  if (principalCache.size > 10_000) principalCache.clear();
  // In flight, the entry serves concurrent callers; once settled it lives for the TTL (a failed lookup is not kept).
  const entry = { principal, until: Infinity };
  principalCache.set(hash, entry);
  principal.then(
    () => {
      if (generation === started && principalCache.get(hash) === entry) entry.until = Date.now() + PRINCIPAL_TTL_MS;
      else if (principalCache.get(hash) === entry) principalCache.delete(hash);
    },
    () => {
      if (principalCache.get(hash) === entry) principalCache.delete(hash);
    },
  );
  return principal;
}

async function lookupPrincipal(db: Db, hash: string): Promise<Principal | null> {
  const row = await db.apiToken.findUnique({ where: { tokenHash: hash }, include: { user: { include: { members: true } } } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date())) return null;
  // lastUsedAt is informational: at most one write per token per minute
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)
    db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  const { members, ...user } = row.user;
  return { user, tokenId: row.id, roles: new Map(members.map((m) => [m.projectId, m.role])) };
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
  if (RANK[role] < RANK[min]) throw forbidden(`this needs the ${min} role in project ${projectId}; you are ${role}`);
  return role;
}
