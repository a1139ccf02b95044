// Project membership against the real server, Postgres and Redis (issue 12.7): an invitation the invitee accepts
// (no one is added without consent, and inviting does not reveal whether an email has an account), and a project that
// always keeps an admin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newApiToken } from '@driftprune/db';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
let ids: Record<'admin' | 'editor' | 'viewer' | 'outsider', string>;
before(async () => {
  h = await startHarness('members');
  const users = await h.db.user.findMany();
  ids = Object.fromEntries(users.map((u) => [u.email.split('@')[0], u.id])) as typeof ids;
});
after(async () => {
  await h?.close();
});

const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
const reason = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.reason;
const INVITE = 'mutation($p: ID!, $e: String!, $r: Role!) { inviteProjectMember(projectId: $p, email: $e, role: $r) { id email role status projectName } }';
const ACCEPT = 'mutation($id: ID!) { acceptProjectInvitation(id: $id) { role project { id role } } }';
const SET_ROLE = 'mutation($p: ID!, $u: ID!, $r: Role!) { setProjectMemberRole(projectId: $p, userId: $u, role: $r) { role user { email } } }';
const REMOVE = 'mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }';

async function membership(userId: string, projectId = h.projectId) {
  return (await h.db.membership.findUnique({ where: { userId_projectId: { userId, projectId } } }))?.role ?? null;
}

test('inviting answers the same for an existing and an unknown email, and adds nobody', async () => {
  const known = await h.gql(INVITE, { p: h.projectId, e: 'Outsider@Test.Local', r: 'editor' });
  const unknown = await h.gql(INVITE, { p: h.projectId, e: 'nobody@test.local', r: 'editor' });
  assert.equal(known.errors, undefined, JSON.stringify(known.errors));
  assert.equal(unknown.errors, undefined);
  const shape = (r: typeof known) => ({ ...r.data.inviteProjectMember, id: undefined, email: undefined });
  assert.deepEqual(shape(known), shape(unknown), 'nothing in the answer tells the two apart');
  assert.deepEqual(shape(known), { id: undefined, email: undefined, role: 'editor', status: 'pending', projectName: 'Main' });
  assert.equal(known.data.inviteProjectMember.email, 'outsider@test.local', 'stored lower-cased');
  assert.equal(await membership(ids.outsider), null, 'not a member before accepting');
  assert.equal(code(await h.gql('query($p: ID!) { project(id: $p) { name } }', { p: h.projectId }, h.tokens.outsider)), 'NOT_FOUND');
  // inviting again renews the pending invitation instead of stacking a second one
  const again = await h.gql(INVITE, { p: h.projectId, e: 'outsider@test.local', r: 'viewer' });
  assert.equal(again.data.inviteProjectMember.id, known.data.inviteProjectMember.id);
  assert.equal(await h.db.projectInvitation.count({ where: { email: 'outsider@test.local', status: 'pending' } }), 1);
  // only admins invite; malformed addresses are bad input
  assert.equal(code(await h.gql(INVITE, { p: h.projectId, e: 'x@y.z', r: 'viewer' }, h.tokens.editor)), 'FORBIDDEN');
  assert.equal(code(await h.gql(INVITE, { p: h.projectId, e: 'x@y.z', r: 'viewer' }, h.tokens.outsider)), 'NOT_FOUND');
  assert.equal(code(await h.gql(INVITE, { p: h.projectId, e: 'not an email', r: 'viewer' })), 'BAD_USER_INPUT');
});

test('the invitee sees and accepts the invitation; nobody else can', async () => {
  const mine = await h.gql('{ me { invitations { id role projectName status } } }', {}, h.tokens.outsider);
  assert.equal(mine.data.me.invitations.length, 1);
  const inv = mine.data.me.invitations[0];
  assert.deepEqual({ ...inv, id: undefined }, { id: undefined, role: 'viewer', projectName: 'Main', status: 'pending' });
  // another user (even an admin of the project) cannot accept it for them
  for (const token of [h.tokens.admin, h.tokens.editor, h.tokens.viewer]) assert.equal(code(await h.gql(ACCEPT, { id: inv.id }, token)), 'NOT_FOUND');
  const accepted = await h.gql(ACCEPT, { id: inv.id }, h.tokens.outsider);
  assert.equal(accepted.errors, undefined, JSON.stringify(accepted.errors));
  assert.deepEqual(accepted.data.acceptProjectInvitation, { role: 'viewer', project: { id: h.projectId, role: 'viewer' } });
  assert.equal(await membership(ids.outsider), 'viewer');
  assert.equal((await h.gql('query($p: ID!) { project(id: $p) { name } }', { p: h.projectId }, h.tokens.outsider)).data.project.name, 'Main');
  assert.equal(reason(await h.gql(ACCEPT, { id: inv.id }, h.tokens.outsider)), 'INVITATION_NOT_PENDING', 'accepted once');
  // a declined invitation cannot be accepted later; an admin sees it in the project's list
  const second = await h.gql(INVITE, { p: h.otherProjectId, e: 'admin@test.local', r: 'editor' }, h.tokens.outsider);
  const declined = await h.gql('mutation($id: ID!) { declineProjectInvitation(id: $id) { status } }', { id: second.data.inviteProjectMember.id });
  assert.equal(declined.data.declineProjectInvitation.status, 'declined');
  assert.equal(reason(await h.gql(ACCEPT, { id: second.data.inviteProjectMember.id })), 'INVITATION_NOT_PENDING');
  assert.equal(await membership(ids.admin, h.otherProjectId), null);
  const listed = await h.gql('query($p: ID!) { project(id: $p) { invitations { status } } }', { p: h.otherProjectId }, h.tokens.outsider);
  assert.deepEqual(listed.data.project.invitations, [{ status: 'declined' }]);
  assert.equal(code(await h.gql('query($p: ID!) { project(id: $p) { invitations { status } } }', { p: h.projectId }, h.tokens.viewer)), 'FORBIDDEN');
  // an expired invitation cannot be accepted; an admin can cancel a pending one
  const late = await h.gql(INVITE, { p: h.projectId, e: 'later@test.local', r: 'viewer' });
  await h.db.projectInvitation.update({ where: { id: late.data.inviteProjectMember.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const lateUser = await h.db.user.create({ data: { email: 'later@test.local', name: 'later' } });
  const t = newApiToken();
  await h.db.apiToken.create({ data: { userId: lateUser.id, name: 't', tokenHash: t.hash, prefix: t.prefix } });
  assert.equal(reason(await h.gql(ACCEPT, { id: late.data.inviteProjectMember.id }, t.token)), 'INVITATION_NOT_PENDING');
  assert.equal(await membership(lateUser.id), null);
  const pending = await h.gql(INVITE, { p: h.projectId, e: 'later2@test.local', r: 'viewer' });
  const cancelled = await h.gql('mutation($id: ID!) { cancelProjectInvitation(id: $id) { status } }', { id: pending.data.inviteProjectMember.id });
  assert.equal(cancelled.data.cancelProjectInvitation.status, 'cancelled');
});

test('a project keeps an admin: the last admin can neither demote nor remove themselves (12.7)', async () => {
  assert.equal(reason(await h.gql(SET_ROLE, { p: h.projectId, u: ids.admin, r: 'viewer' })), 'LAST_ADMIN');
  assert.equal(reason(await h.gql(REMOVE, { p: h.projectId, u: ids.admin })), 'LAST_ADMIN');
  assert.equal(await membership(ids.admin), 'admin');
  // with a second admin, one may step down; the other then is the last
  const promoted = await h.gql(SET_ROLE, { p: h.projectId, u: ids.editor, r: 'admin' });
  assert.deepEqual(promoted.data.setProjectMemberRole, { role: 'admin', user: { email: 'editor@test.local' } });
  // two admins demoting each other at the same time: one succeeds, the other is refused
  const both = await Promise.all([h.gql(SET_ROLE, { p: h.projectId, u: ids.editor, r: 'editor' }, h.tokens.admin), h.gql(SET_ROLE, { p: h.projectId, u: ids.admin, r: 'editor' }, h.tokens.editor)]);
  assert.equal(both.filter((r) => !r.errors).length, 1, JSON.stringify(both.map((r) => r.errors)));
  assert.equal(both.filter((r) => reason(r) === 'LAST_ADMIN').length, 1);
  assert.equal(await h.db.membership.count({ where: { projectId: h.projectId, role: 'admin' } }), 1);
  // restore: admin is admin, editor is editor
  const adminNow = (await membership(ids.admin)) === 'admin' ? h.tokens.admin : h.tokens.editor;
  await h.gql(SET_ROLE, { p: h.projectId, u: ids.admin, r: 'admin' }, adminNow);
  await h.gql(SET_ROLE, { p: h.projectId, u: ids.editor, r: 'editor' }, h.tokens.admin);
  assert.deepEqual([await membership(ids.admin), await membership(ids.editor)], ['admin', 'editor']);
  // members may leave; only admins remove others; unknown members are NOT_FOUND
  assert.equal(code(await h.gql(REMOVE, { p: h.projectId, u: ids.viewer }, h.tokens.editor)), 'FORBIDDEN');
  assert.equal(code(await h.gql(SET_ROLE, { p: h.projectId, u: '00000000-0000-4000-8000-000000000000', r: 'viewer' })), 'NOT_FOUND');
  assert.equal((await h.gql(REMOVE, { p: h.projectId, u: ids.outsider }, h.tokens.outsider)).data.removeProjectMember, true);
  assert.equal(await membership(ids.outsider), null);
  const members = await h.gql('query($p: ID!) { project(id: $p) { members { role user { email } } } }', { p: h.projectId }, h.tokens.viewer);
  assert.deepEqual(
    members.data.project.members.map((m: { role: string; user: { email: string } }) => `${m.user.email}:${m.role}`).sort(),
    ['admin@test.local:admin', 'editor@test.local:editor', 'viewer@test.local:viewer'],
  );
});
