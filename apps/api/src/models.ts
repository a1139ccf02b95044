// Parent types of the GraphQL objects that are not plain Prisma rows.
import type { Membership, Project, Role, User, WindowMetric, Worker } from '@driftprune/db';
import type { WorkerLiveState } from '@driftprune/runs';

/** A project as seen by the caller: the row plus the caller's role in it. */
export type ProjectParent = Project & { role: Role };
export type MembershipParent = { project: ProjectParent; role: Role };
/** A window metric from the database (bigint id) or from pub/sub (no id). */
export type WindowMetricParent = Omit<WindowMetric, 'id' | 'createdAt'>;
/** A membership row with its user. */
export type ProjectMemberParent = Membership & { user: User };
/** The signed-in user and their memberships (invitations are resolved on demand). */
export type ViewerParent = { user: User; memberships: MembershipParent[] };
/** A worker row with its live state from Redis (labels, load, drain), null once that has expired. */
export type WorkerParent = Worker & { live?: WorkerLiveState | null };
