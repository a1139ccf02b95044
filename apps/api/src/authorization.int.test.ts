// Who may do what, against the real server, Postgres and Redis (issues 12.11 and 12.2):
//   - every Mutation field of the SDL × {no token, outsider, viewer, editor, admin}, each on a fresh target, with
//     the expected answer; a failed call changes nothing. The field list is read from the schema when the test runs,
//     so a new mutation without a row in MATRIX fails this test: add its row (how to make a target, what each caller
//     gets) when you add the mutation.
//   - queries: a project's objects are NOT_FOUND outside it, and `workers` shows only the caller's runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildSchema } from 'graphql';
import { newApiToken } from '@driftprune/db';
import { typeDefs } from './server.js';
import { startHarness, tinyConfig, type Harness } from './testing/harness.js';

const CALLERS = ['none', 'outsider', 'viewer', 'editor', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
/**
 * 'ok': the call succeeds; otherwise the error code it must answer. BAD_USER_INPUT marks a caller who passed the
 * access check and whose call was then refused for its content (a row says why).
 */
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT';

interface Row {
  /** The mutation with its selection; variables come from target(). */
  query: string;
  /** A fresh target in the main project for one call (ids, inputs). */
  target: (caller: Caller) => Promise<Record<string, unknown>>;
  expect: Record<Caller, Outcome>;
}

const ANYONE_SIGNED_IN: Row['expect'] = { none: 'UNAUTHENTICATED', outsider: 'ok', viewer: 'ok', editor: 'ok', admin: 'ok' };
const EDITORS: Row['expect'] = { none: 'UNAUTHENTICATED', outsider: 'NOT_FOUND', viewer: 'FORBIDDEN', editor: 'ok', admin: 'ok' };
const ADMINS: Row['expect'] = { none: 'UNAUTHENTICATED', outsider: 'NOT_FOUND', viewer: 'FORBIDDEN', editor: 'FORBIDDEN', admin: 'ok' };
/** Only the invitee may answer an invitation: nobody in the table is the invitee. */
/** Editors pass the access check and reach the content checks, which refuse this target (no bytes, no S3 here). */
const EDITORS_REACH_VALIDATION: Row['expect'] = { none: 'UNAUTHENTICATED', outsider: 'NOT_FOUND', viewer: 'FORBIDDEN', editor: 'BAD_USER_INPUT', admin: 'BAD_USER_INPUT' };
const INVITEE_ONLY: Row['expect'] = { none: 'UNAUTHENTICATED', outsider: 'NOT_FOUND', viewer: 'NOT_FOUND', editor: 'NOT_FOUND', admin: 'NOT_FOUND' };

let h: Harness;
const unique = (what: string) => `${what}-${randomBytes(4).toString('hex')}`;

async function experiment() {
  return h.createExperiment(unique('exp'), tinyConfig());
}
async function queuedRun() {
  return h.submitRun(await experiment());
}
async function cancelledRun() {
  const id = await queuedRun();
  await h.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id });
  return id;
}
async function sweep() {
  const r = await h.gql('mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id } }', { i: { experimentId: await experiment(), sweep: { parameters: { 'pruning.budget': { values: [0.5] } } } } });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.submitSweep.id as string;
}
async function invitation(email = `${unique('invitee')}@test.local`) {
  const r = await h.gql('mutation($p: ID!, $e: String!) { inviteProjectMember(projectId: $p, email: $e, role: viewer) { id } }', { p: h.projectId, e: email });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.inviteProjectMember.id as string;
}
/** A fresh user who is a viewer of the main project. */
async function member() {
  const u = await h.db.user.create({ data: { email: `${unique('member')}@test.local`, name: 'member' } });
  await h.db.membership.create({ data: { userId: u.id, projectId: h.projectId, role: 'viewer' } });
  return u.id;
}

const MATRIX: Record<string, Row> = {
  createProject: { query: 'mutation($n: String!) { createProject(input: { name: $n }) { id } }', target: async () => ({ n: unique('project') }), expect: ANYONE_SIGNED_IN },
  inviteProjectMember: {
    query: 'mutation($p: ID!, $e: String!) { inviteProjectMember(projectId: $p, email: $e, role: editor) { id } }',
    target: async () => ({ p: h.projectId, e: `${unique('new')}@test.local` }),
    expect: ADMINS,
  },
  acceptProjectInvitation: { query: 'mutation($id: ID!) { acceptProjectInvitation(id: $id) { role } }', target: async () => ({ id: await invitation() }), expect: INVITEE_ONLY },
  declineProjectInvitation: { query: 'mutation($id: ID!) { declineProjectInvitation(id: $id) { id } }', target: async () => ({ id: await invitation() }), expect: INVITEE_ONLY },
  cancelProjectInvitation: { query: 'mutation($id: ID!) { cancelProjectInvitation(id: $id) { id } }', target: async () => ({ id: await invitation() }), expect: ADMINS },
  setProjectMemberRole: {
    query: 'mutation($p: ID!, $u: ID!) { setProjectMemberRole(projectId: $p, userId: $u, role: editor) { role } }',
    target: async () => ({ p: h.projectId, u: await member() }),
    expect: ADMINS,
  },
  removeProjectMember: { query: 'mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) }', target: async () => ({ p: h.projectId, u: await member() }), expect: ADMINS },
  createDataset: {
    query: 'mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }',
    target: async () => ({ i: { projectId: h.projectId, name: unique('ds'), kind: 'synthetic' } }),
    expect: EDITORS,
  },
  beginDatasetUpload: {
    query: 'mutation($i: BeginDatasetUploadInput!) { beginDatasetUpload(input: $i) { id } }',
    target: async () => ({ i: { projectId: h.projectId, name: unique('upload'), kind: 'criteo', fileName: 'day_0', sizeBytes: 100, sha256: 'a'.repeat(64) } }),
    expect: EDITORS,
  },
  // an upload that was begun but received no bytes: completing it is refused for its size, after the access check
  completeDatasetUpload: {
    query: 'mutation($id: ID!) { completeDatasetUpload(id: $id) { id } }',
    target: async () => {
      const r = await h.gql('mutation($i: BeginDatasetUploadInput!) { beginDatasetUpload(input: $i) { id } }', {
        i: { projectId: h.projectId, name: unique('upload'), kind: 'criteo', fileName: 'day_0', sizeBytes: 100, sha256: 'b'.repeat(64) },
      });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return { id: r.data.beginDatasetUpload.id };
    },
    expect: EDITORS_REACH_VALIDATION,
  },
  // this harness has no s3:// data root: registering is refused for the location, after the access check
  registerS3Dataset: {
    query: 'mutation($i: RegisterS3DatasetInput!) { registerS3Dataset(input: $i) { id } }',
    target: async () => ({ i: { projectId: h.projectId, name: unique('s3'), kind: 'criteo', uri: 's3://bucket/day_0' } }),
    expect: EDITORS_REACH_VALIDATION,
  },
  deleteDataset: {
    query: 'mutation($id: ID!) { deleteDataset(id: $id) }',
    target: async () => {
      const r = await h.gql('mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }', { i: { projectId: h.projectId, name: unique('ds'), kind: 'synthetic' } });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return { id: r.data.createDataset.id };
    },
    expect: EDITORS,
  },
  createExperiment: {
    query: 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }',
    target: async () => ({ i: { projectId: h.projectId, name: unique('exp'), config: tinyConfig() } }),
    expect: EDITORS,
  },
  submitRun: { query: 'mutation($e: ID!) { submitRun(input: { experimentId: $e }) { id } }', target: async () => ({ e: await experiment() }), expect: EDITORS },
  submitSweep: {
    query: 'mutation($e: ID!, $s: JSON!) { submitSweep(input: { experimentId: $e, sweep: $s }) { id } }',
    target: async () => ({ e: await experiment(), s: { parameters: { 'pruning.budget': { values: [0.5] } } } }),
    expect: EDITORS,
  },
  cancelRun: { query: 'mutation($id: ID!) { cancelRun(id: $id) { status } }', target: async () => ({ id: await queuedRun() }), expect: EDITORS },
  cancelSweep: { query: 'mutation($id: ID!) { cancelSweep(id: $id) { status } }', target: async () => ({ id: await sweep() }), expect: EDITORS },
  retryRun: { query: 'mutation($id: ID!) { retryRun(id: $id) { status } }', target: async () => ({ id: await cancelledRun() }), expect: EDITORS },
  deleteExperiment: { query: 'mutation($id: ID!) { deleteExperiment(id: $id) { id } }', target: async () => ({ id: await experiment() }), expect: EDITORS },
  deleteRun: { query: 'mutation($id: ID!) { deleteRun(id: $id) { id } }', target: async () => ({ id: await queuedRun() }), expect: EDITORS },
  deleteSweep: { query: 'mutation($id: ID!) { deleteSweep(id: $id) { id } }', target: async () => ({ id: await sweep() }), expect: EDITORS },
  updateRun: { query: 'mutation($id: ID!) { updateRun(id: $id, input: { name: "renamed" }) { id } }', target: async () => ({ id: await queuedRun() }), expect: EDITORS },
  updateExperiment: {
    query: 'mutation($id: ID!) { updateExperiment(id: $id, input: { name: "renamed" }) { id } }',
    target: async () => ({ id: await experiment() }),
    expect: EDITORS,
  },
  createApiToken: { query: 'mutation($n: String!) { createApiToken(name: $n) { token } }', target: async () => ({ n: unique('token') }), expect: ANYONE_SIGNED_IN },
  // LOCAL_MODE is off in this harness: nobody, signed in or not, gets a dev token (local-mode.int.test.ts: on)
  devLogin: {
    query: 'mutation { devLogin { token } }',
    target: async () => ({}),
    expect: { none: 'FORBIDDEN', outsider: 'FORBIDDEN', viewer: 'FORBIDDEN', editor: 'FORBIDDEN', admin: 'FORBIDDEN' },
  },
  // a token is its owner's alone: the target is a fresh token of the editor
  revokeApiToken: {
    query: 'mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }',
    target: async () => {
      const editor = (await h.db.user.findUnique({ where: { email: 'editor@test.local' } }))!;
      const t = newApiToken();
      return { id: (await h.db.apiToken.create({ data: { userId: editor.id, name: unique('spare'), tokenHash: t.hash, prefix: t.prefix } })).id };
    },
    expect: { none: 'UNAUTHENTICATED', outsider: 'NOT_FOUND', viewer: 'NOT_FOUND', editor: 'ok', admin: 'NOT_FOUND' },
  },
};

/** A fingerprint of everything a mutation could change: a refused call must leave it as it was. */
async function fingerprint(): Promise<string> {
  const rows = await h.db.$queryRaw<{ f: string }[]>`
    SELECT concat_ws('|',
      (SELECT count(*) FROM "Project"), (SELECT count(*) FROM "Dataset"),
      (SELECT count(*) || ':' || coalesce(max("updatedAt")::text, '') FROM "Experiment"),
      (SELECT count(*) || ':' || coalesce(max("updatedAt")::text, '') || ':' || count(*) FILTER (WHERE "cancelRequested") FROM "Run"),
      (SELECT count(*) || ':' || string_agg(status::text, ',' ORDER BY id) FROM "Sweep"),
      (SELECT count(*) || ':' || count("revokedAt") FROM "ApiToken"),
      (SELECT string_agg("userId"::text || "projectId"::text || role::text, ',' ORDER BY "userId", "projectId") FROM "Membership"),
      (SELECT count(*) || ':' || string_agg(status::text, ',' ORDER BY id) FROM "ProjectInvitation")) AS f`;
  return rows[0].f;
}

before(async () => {
  h = await startHarness('authz');
});
after(async () => {
  await h?.close();
});

test('every Mutation field has a row in the authorization matrix (a new mutation must add one)', () => {
  const fields = Object.keys(buildSchema(typeDefs).getMutationType()!.getFields()).sort();
  assert.deepEqual(Object.keys(MATRIX).sort(), fields, 'rows of MATRIX vs Mutation fields of schema.graphql');
});

test('every mutation × {no token, outsider, viewer, editor, admin}: the expected answer, and a refusal changes nothing', async () => {
  const tokens: Record<Caller, string | null> = { none: null, ...h.tokens };
  const failures: string[] = [];
  for (const [name, row] of Object.entries(MATRIX))
    for (const caller of CALLERS) {
      const variables = await row.target(caller);
      const before = row.expect[caller] === 'ok' ? '' : await fingerprint();
      const r = await h.gql(row.query, variables, tokens[caller]);
      const got: string = r.errors ? (r.errors[0].extensions?.code ?? 'no code') : 'ok';
      if (got !== row.expect[caller]) failures.push(`${name} as ${caller}: expected ${row.expect[caller]}, got ${got} ${r.errors ? r.errors[0].message : ''}`);
      else if (got === 'ok' && r.data?.[name] == null) failures.push(`${name} as ${caller}: no result`);
      else if (got !== 'ok' && (await fingerprint()) !== before) failures.push(`${name} as ${caller}: refused, but the database changed`);
    }
  assert.deepEqual(failures, []);
});

test('workers list only the runs of the caller\'s projects (12.2)', async () => {
  const mine = await queuedRun();
  const otherExp = await h.db.experiment.create({ data: { projectId: h.otherProjectId, name: 'other', config: tinyConfig() as never, paradigm: 'd2s' } });
  const hidden = await h.db.run.create({ data: { projectId: h.otherProjectId, experimentId: otherExp.id, config: tinyConfig() as never, seed: 1, paradigm: 'd2s', device: 'cpu' } });
  await h.db.worker.create({ data: { id: 'w-shared', host: 'h', pid: 1, backend: 'cpu', device: 'cpu', concurrency: 3, activeRuns: [mine, hidden.id, 'not-a-uuid'] } });
  const seen = async (token: string) => {
    const r = await h.gql('{ workers { id activeRuns } }', {}, token);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data.workers.find((w: { id: string }) => w.id === 'w-shared').activeRuns as string[];
  };
  assert.deepEqual(await seen(h.tokens.viewer), [mine]);
  assert.deepEqual(await seen(h.tokens.outsider), [hidden.id]);
  assert.equal((await h.gql('{ workers { id } }', {}, null)).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
});
