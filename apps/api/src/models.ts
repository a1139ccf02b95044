// Parent types of the GraphQL objects that are not plain Prisma rows.
import type { Membership, Project, Role, User, WindowMetric } from '@driftprune/db';

/** A project as seen by the caller: the row plus the caller's role in it. */
export type ProjectParent = Project & { role: Role };
export type MembershipParent = { project: ProjectParent; role: Role };
/** A window metric from the database (bigint id) or from pub/sub (no id). */
export type WindowMetricParent = Omit<WindowMetric, 'id' | 'createdAt'>;
/** A membership row with its user. */
export type ProjectMemberParent = Membership & { user: User };
/** The signed-in user and their memberships (invitations are resolved on demand). */
export type ViewerParent = { user: User; memberships: MembershipParent[] };
