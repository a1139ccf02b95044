// Project membership: invitations that the invitee accepts (consent; inviting reveals nothing about who has an
// account), role changes and removals that never leave a project without an admin. Every change of someone's roles
// is announced (auth-events.ts): all API processes drop cached principals, and lowered roles close that user's
// WebSockets.
import {
  acceptInvitation,
  changeMembership as changeMembershipRow,
  closeInvitation,
  invitationById,
  inviteToProject,
  memberWithUser,
  membersOfProject,
  openInvitationsOfProject,
  pendingInvitationsFor,
  projectById,
  projectName,
  type Db,
  type ProjectInvitation,
  type Role,
} from '@driftprune/db';
import { ROLE_RANK, requireProject, requireUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import { apiError, badInput, isUuid, notFound } from '../errors.js';
import type { InvitationStatus, MutationResolvers, Resolvers } from '../resolvers-types.js';

export const INVITATION_DAYS = 7;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw badInput('email must be an email address (name@host)');
  return email;
}

/** The status a caller sees: a pending invitation past its date is expired. */
export function invitationStatus(i: Pick<ProjectInvitation, 'status' | 'expiresAt'>, now = new Date()): InvitationStatus {
  return i.status === 'pending' && i.expiresAt <= now ? 'expired' : i.status;
}

const lastAdmin = (projectId: string) =>
  apiError('BAD_USER_INPUT', `project ${projectId} would be left without an admin: make another member admin first`, { reason: 'LAST_ADMIN' });

/**
 * Changes (or, with null, removes) one membership inside a transaction that locks the project's memberships, so two
 * admins demoting each other at once cannot both succeed. Returns the role before, or null when there was none.
 */
async function changeMembership(db: Db, projectId: string, userId: string, role: Role | null): Promise<Role | null> {
  const change = await changeMembershipRow(db, projectId, userId, role);
  if ('refused' in change) throw lastAdmin(projectId);
  return change.before;
}

/** The invitation `id` addressed to the caller, or NOT_FOUND (also for invitations to someone else). */
async function ownInvitation(ctx: ApiContext, id: string): Promise<ProjectInvitation> {
  const p = requireUser(ctx.principal);
  const row = isUuid(id) ? await invitationById(ctx.db, id) : null;
  if (!row || row.email !== p.user.email.trim().toLowerCase()) throw notFound('invitation', id);
  return row;
}

function requirePending(i: ProjectInvitation): void {
  const status = invitationStatus(i);
  if (status !== 'pending') throw apiError('BAD_USER_INPUT', `invitation ${i.id} is ${status}`, { reason: 'INVITATION_NOT_PENDING', status });
}

export const memberMutations: Pick<
  MutationResolvers,
  'inviteProjectMember' | 'acceptProjectInvitation' | 'declineProjectInvitation' | 'cancelProjectInvitation' | 'setProjectMemberRole' | 'removeProjectMember'
> = {
  inviteProjectMember: async (_p, { projectId, email: rawEmail, role }, ctx) => {
    requireProject(ctx.principal, projectId, 'admin');
    const email = normalizeEmail(rawEmail);
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
    // Inviting again renews the pending invitation instead of stacking another one.
    return inviteToProject(ctx.db, { projectId, email, role, expiresAt, invitedById: ctx.principal!.user.id });
  },
  acceptProjectInvitation: async (_p, { id }, ctx) => {
    const invitation = await ownInvitation(ctx, id);
    requirePending(invitation);
    const userId = ctx.principal!.user.id;
    const { projectId, role } = invitation;
    // An invitation never lowers a role the invitee already has (that would let an admin's invitation demote the
    // last admin); a higher invited role is taken.
    const accepted = await acceptInvitation(ctx.db, { id, projectId, role, userId }, ROLE_RANK);
    if (!accepted.claimed) throw apiError('BAD_USER_INPUT', `invitation ${id} is no longer pending`, { reason: 'INVITATION_NOT_PENDING' });
    const before = accepted.before;
    await ctx.announceAuth({ kind: 'roles-changed', userId, reduced: false });
    const project = (await projectById(ctx.db, projectId))!;
    const granted = before && ROLE_RANK[before] >= ROLE_RANK[role] ? before : role;
    return { role: granted, project: { ...project, role: granted } };
  },
  declineProjectInvitation: async (_p, { id }, ctx) => {
    const invitation = await ownInvitation(ctx, id);
    requirePending(invitation);
    return closeInvitation(ctx.db, id, 'declined');
  },
  cancelProjectInvitation: async (_p, { id }, ctx) => {
    requireUser(ctx.principal);
    const row = isUuid(id) ? await invitationById(ctx.db, id) : null;
    if (!row || !ctx.principal!.roles.has(row.projectId)) throw notFound('invitation', id);
    requireProject(ctx.principal, row.projectId, 'admin');
    requirePending(row);
    return closeInvitation(ctx.db, id, 'cancelled');
  },
  setProjectMemberRole: async (_p, { projectId, userId, role }, ctx) => {
    requireProject(ctx.principal, projectId, 'admin');
    const before = isUuid(userId) ? await changeMembership(ctx.db, projectId, userId, role) : null;
    if (!before) throw notFound('member', userId);
    await ctx.announceAuth({ kind: 'roles-changed', userId, reduced: ROLE_RANK[role] < ROLE_RANK[before] });
    return (await memberWithUser(ctx.db, projectId, userId))!;
  },
  removeProjectMember: async (_p, { projectId, userId }, ctx) => {
    const p = requireUser(ctx.principal);
    requireProject(p, projectId, p.user.id === userId ? 'viewer' : 'admin');
    const before = isUuid(userId) ? await changeMembership(ctx.db, projectId, userId, null) : null;
    if (!before) throw notFound('member', userId);
    await ctx.announceAuth({ kind: 'roles-changed', userId, reduced: true });
    return true;
  },
};

export const memberTypeResolvers: Pick<Resolvers, 'Project' | 'Viewer' | 'ProjectInvitation'> = {
  Project: {
    members: (project, _a, ctx) => membersOfProject(ctx.db, project.id),
    invitations: (project, _a, ctx) => {
      requireProject(ctx.principal, project.id, 'admin');
      return openInvitationsOfProject(ctx.db, project.id, 200);
    },
  },
  Viewer: {
    invitations: (_v, _a, ctx) => {
      const p = requireUser(ctx.principal);
      return pendingInvitationsFor(ctx.db, p.user.email.trim().toLowerCase(), 100);
    },
  },
  ProjectInvitation: {
    status: (i) => invitationStatus(i),
    projectName: async (i, _a, ctx) => (await projectName(ctx.db, i.projectId)) ?? '',
  },
};
