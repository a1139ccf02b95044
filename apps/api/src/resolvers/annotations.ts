// What people add to runs and experiments (names, tags, notes) and the deletes of single runs and sweeps.
import { annotateExperiment, annotateRun, deleteRunRow, deleteSweepRow, runRefsOfSweep } from '@driftprune/db';
import type { MutationResolvers } from '../resolvers-types.js';
import { badInput } from '../errors.js';
import { loadExperiment, loadRun, loadSweep } from '../services/access.js';
import { runDeps } from '../services/run-deps.js';
import { deleteRunsAndFiles } from '../services/runs.js';

export const MAX_TAGS = 20;
const TAG = /^[\p{L}\p{N}_.:/+\- ]{1,40}$/u;

/** Tags as given, trimmed, deduplicated in order; BAD_USER_INPUT (field `tags`) for anything out of bounds. */
export function checkTags(tags: readonly string[]): string[] {
  const out = [...new Set(tags.map((t) => t.trim()))];
  if (out.length > MAX_TAGS) throw badInput(`tags: at most ${MAX_TAGS} (got ${out.length})`, [{ path: 'tags', message: `at most ${MAX_TAGS} tags` }]);
  const bad = out.find((t) => !TAG.test(t));
  if (bad !== undefined)
    throw badInput(`tags: "${bad.slice(0, 60)}" must be 1..40 letters, digits, spaces or _ . : / + -`, [{ path: 'tags', message: '1..40 letters, digits, spaces or _ . : / + -' }]);
  return out;
}

/** A trimmed text of at most `max` characters; null for null or "" when `clearable`. */
function checkText(value: string | null | undefined, field: string, max: number, clearable: boolean): string | null | undefined {
  if (value === undefined) return undefined;
  const v = value?.trim() ?? '';
  if (v === '') {
    if (clearable) return null;
    throw badInput(`${field} must not be empty`, [{ path: field, message: 'must not be empty' }]);
  }
  if (v.length > max) throw badInput(`${field} must be at most ${max} characters (got ${v.length})`, [{ path: field, message: `at most ${max} characters` }]);
  return v;
}

export const annotationMutations: Pick<MutationResolvers, 'updateRun' | 'updateExperiment' | 'deleteRun' | 'deleteSweep'> = {
  updateRun: async (_p, { id, input }, ctx) => {
    const run = await loadRun(ctx, id, 'editor');
    const name = checkText(input.name, 'name', 200, true);
    const notes = checkText(input.notes, 'notes', 10_000, true);
    const tags = input.tags == null ? undefined : checkTags(input.tags);
    return annotateRun(ctx.db, run.id, { name, notes, tags });
  },
  updateExperiment: async (_p, { id, input }, ctx) => {
    const exp = await loadExperiment(ctx, id, 'editor');
    const name = checkText(input.name, 'name', 200, false);
    const description = checkText(input.description, 'description', 2_000, true);
    const tags = input.tags == null ? undefined : checkTags(input.tags);
    return annotateExperiment(ctx.db, exp.id, { name, description, tags });
  },
  deleteRun: async (_p, { id }, ctx) => {
    const run = await loadRun(ctx, id, 'editor');
    const deleted = await deleteRunsAndFiles(runDeps(ctx), run.projectId, [run], () => deleteRunRow(ctx.db, run.id));
    return { id: run.id, ...deleted };
  },
  deleteSweep: async (_p, { id }, ctx) => {
    const sweep = await loadSweep(ctx, id, 'editor');
    const runs = await runRefsOfSweep(ctx.db, sweep.id);
    const deleted = await deleteRunsAndFiles(runDeps(ctx), sweep.projectId, runs, () => deleteSweepRow(ctx.db, sweep.id));
    return { id: sweep.id, ...deleted };
  },
};
