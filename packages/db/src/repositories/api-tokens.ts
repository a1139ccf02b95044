// API token rows (the token itself is never stored: only its sha256, see tokens.ts).
import type { ApiToken, Membership, User } from '../../generated/prisma/client.js';
import type { DbClient } from '../client.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

export function apiTokenById(db: DbClient, id: string): Promise<ApiToken | null> {
  return db.apiToken.findUnique({ where: { id } });
}

/** The token with this hash, with its user and the user's memberships (authentication). */
export function apiTokenByHash(db: DbClient, tokenHash: string): Promise<(ApiToken & { user: User & { members: Membership[] } }) | null> {
  return db.apiToken.findUnique({ where: { tokenHash }, include: { user: { include: { members: true } } } });
}

export function apiTokensOfUser(db: DbClient, userId: string): Promise<ApiToken[]> {
  return db.apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
}

export function createApiToken(db: DbClient, t: { userId: string; name: string; tokenHash: string; prefix: string; expiresAt?: Date | null }): Promise<ApiToken> {
  return db.apiToken.create({ data: t });
}

/** Revokes the token (keeping the first revocation time when it was revoked already). */
export function revokeApiToken(db: DbClient, token: Pick<ApiToken, 'id' | 'revokedAt'>): Promise<ApiToken> {
  return db.apiToken.update({ where: { id: token.id }, data: { revokedAt: token.revokedAt ?? new Date() } });
}

export async function touchApiToken(db: DbClient, id: string, at: Date): Promise<void> {
  await db.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
}

/**
 * Revokes the user's live tokens named `name` and creates a new one, in one transaction. The new token and the ids
 * of those it replaced.
 */
export function replaceNamedApiToken(db: PrismaClient, t: { userId: string; name: string; tokenHash: string; prefix: string; expiresAt: Date | null }): Promise<{ row: ApiToken; replaced: string[] }> {
  return db.$transaction(async (tx) => {
    const older = await tx.apiToken.findMany({ where: { userId: t.userId, name: t.name, revokedAt: null }, select: { id: true } });
    await tx.apiToken.updateMany({ where: { id: { in: older.map((o) => o.id) } }, data: { revokedAt: new Date() } });
    const created = await tx.apiToken.create({ data: t });
    return { row: created, replaced: older.map((o) => o.id) };
  });
}
