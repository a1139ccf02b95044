// Projects, their members and invitations, and users. Membership changes run in transactions that lock the
// project's memberships, so that two admins demoting each other at once cannot both succeed.
import type { Membership, Project, ProjectInvitation, User } from '../../generated/prisma/client.js';
import type { Role } from '../../generated/prisma/enums.js';
import type { DbClient } from '../client.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

export function projectById(db: DbClient, id: string): Promise<Project | null> {
  return db.project.findUnique({ where: { id } });
}

export function projectBySlug(db: DbClient, slug: string): Promise<Project | null> {
  return db.project.findUnique({ where: { slug } });
}

export function projectsByIds(db: DbClient, ids: readonly string[]): Promise<Project[]> {
  return db.project.findMany({ where: { id: { in: [...ids] } }, orderBy: { createdAt: 'asc' } });
}

/** Creates a project with its creator as admin. Fails with P2002 when the slug is taken. */
export function createProjectWithAdmin(db: DbClient, p: { name: string; slug: string; adminUserId: string }): Promise<Project> {
  return db.project.create({ data: { name: p.name, slug: p.slug, members: { create: { userId: p.adminUserId, role: 'admin' } } } });
}

/** The user's memberships with their projects, oldest first. */
export function membershipsOfUser(db: DbClient, userId: string): Promise<(Membership & { project: Project })[]> {
  return db.membership.findMany({ where: { userId }, include: { project: true }, orderBy: { createdAt: 'asc' } });
}

export function membersOfProject(db: DbClient, projectId: string): Promise<(Membership & { user: User })[]> {
  return db.membership.findMany({ where: { projectId }, include: { user: true }, orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }] });
}

export function memberWithUser(db: DbClient, projectId: string, userId: string): Promise<(Membership & { user: User }) | null> {
  return db.membership.findUnique({ where: { userId_projectId: { userId, projectId } }, include: { user: true } });
}

/** The outcome of a membership change: the role before (null: no such member), or a refusal. */
export type MembershipChange = { before: Role | null } | { refused: 'LAST_ADMIN' };

/**
 * Changes (or, with null, removes) one membership, refusing to leave the project without an admin. Locks the
 * project's memberships for the transaction.
 */
export function changeMembership(db: PrismaClient, projectId: string, userId: string, role: Role | null): Promise<MembershipChange> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "Membership" WHERE "projectId" = ${projectId}::uuid FOR UPDATE`;
    const current = await tx.membership.findUnique({ where: { userId_projectId: { userId, projectId } } });
    if (!current) return { before: null };
    if (current.role === 'admin' && role !== 'admin' && (await tx.membership.count({ where: { projectId, role: 'admin' } })) <= 1) return { refused: 'LAST_ADMIN' as const };
    if (role) await tx.membership.update({ where: { userId_projectId: { userId, projectId } }, data: { role } });
    else await tx.membership.delete({ where: { userId_projectId: { userId, projectId } } });
    return { before: current.role };
  });
}

export function invitationById(db: DbClient, id: string): Promise<ProjectInvitation | null> {
  return db.projectInvitation.findUnique({ where: { id } });
}

/**
 * Invites `email` to the project; inviting again renews the pending invitation (role, expiry, inviter) instead of
 * stacking another one.
 */
export async function inviteToProject(db: DbClient, i: { projectId: string; email: string; role: Role; expiresAt: Date; invitedById: string }): Promise<ProjectInvitation> {
  const pending = await db.projectInvitation.findFirst({ where: { projectId: i.projectId, email: i.email, status: 'pending' }, orderBy: { createdAt: 'desc' } });
  if (pending) return db.projectInvitation.update({ where: { id: pending.id }, data: { role: i.role, expiresAt: i.expiresAt, invitedById: i.invitedById } });
  return db.projectInvitation.create({ data: i });
}

/** The outcome of accepting: not claimed (no longer pending), or the invitee's role before (null: not a member). */
export type InvitationAcceptance = { claimed: false } | { claimed: true; before: Role | null };

/**
 * Accepts a pending invitation for `userId`, in one transaction: claims it (once), then makes the user a member with
 * the invited role. An invitation never lowers a role the invitee already has (that would let an admin's invitation
 * demote the last admin): a higher invited role by `rank` is taken.
 */
export function acceptInvitation(db: PrismaClient, i: { id: string; projectId: string; role: Role; userId: string }, rank: Record<Role, number>): Promise<InvitationAcceptance> {
  const { id, projectId, role, userId } = i;
  return db.$transaction(async (tx) => {
    const claimed = await tx.projectInvitation.updateMany({ where: { id, status: 'pending' }, data: { status: 'accepted', respondedAt: new Date() } });
    if (claimed.count !== 1) return { claimed: false as const };
    const existing = await tx.membership.findUnique({ where: { userId_projectId: { userId, projectId } } });
    if (!existing) await tx.membership.create({ data: { userId, projectId, role } });
    else if (rank[role] > rank[existing.role]) await tx.membership.update({ where: { userId_projectId: { userId, projectId } }, data: { role } });
    return { claimed: true as const, before: existing?.role ?? null };
  });
}

export function closeInvitation(db: DbClient, id: string, status: 'declined' | 'cancelled'): Promise<ProjectInvitation> {
  return db.projectInvitation.update({ where: { id }, data: { status, respondedAt: new Date() } });
}

/** The project's invitations that were not accepted (pending, declined, cancelled), newest first. */
export function openInvitationsOfProject(db: DbClient, projectId: string, take: number): Promise<ProjectInvitation[]> {
  return db.projectInvitation.findMany({ where: { projectId, status: { not: 'accepted' } }, orderBy: { createdAt: 'desc' }, take });
}

/** Pending, unexpired invitations addressed to `email` (normalised by the caller), newest first. */
export function pendingInvitationsFor(db: DbClient, email: string, take: number): Promise<ProjectInvitation[]> {
  return db.projectInvitation.findMany({ where: { email, status: 'pending', expiresAt: { gt: new Date() } }, orderBy: { createdAt: 'desc' }, take });
}

export async function projectName(db: DbClient, id: string): Promise<string | null> {
  return (await db.project.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;
}

export function userByEmail(db: DbClient, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email } });
}

/** The user and project (created when missing), with the user made admin of the project. */
export async function ensureProjectAdmin(db: DbClient, u: { email: string; name: string }, p: { slug: string; name: string }): Promise<{ userId: string; projectId: string }> {
  const user = await db.user.upsert({ where: { email: u.email }, create: { email: u.email, name: u.name }, update: {} });
  const project = await db.project.upsert({ where: { slug: p.slug }, create: { slug: p.slug, name: p.name }, update: {} });
  await db.membership.upsert({
    where: { userId_projectId: { userId: user.id, projectId: project.id } },
    create: { userId: user.id, projectId: project.id, role: 'admin' },
    update: { role: 'admin' },
  });
  return { userId: user.id, projectId: project.id };
}
