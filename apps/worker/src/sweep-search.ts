// A model-based sweep (method tpe) goes on from the worker that settles one of its runs: the sweep's plan
// (@driftprune/sweeps planSearch) says how many new points to start and which, and extendSweep (@driftprune/runs)
// inserts their runs under the sweep's lock, enqueues and announces them. Without it a tpe sweep would stop after its
// initial random points.
import { randomUUID } from 'node:crypto';
import { ConfigError, parseConfig, sweepConfig, sweepPointsOf, type ExperimentConfig, type SweepConfig } from '@driftprune/config';
import { stalledTpeSweepIds, sweepConfigById, type Db, type Prisma, type Run } from '@driftprune/db';
import { extendSweep, type NewRun, type RunEvents, type RunQueues } from '@driftprune/runs';
import { planSearch, type SearchRun } from '@driftprune/sweeps';

export interface SearchDeps {
  db: Db;
  queues: RunQueues;
  events: RunEvents;
  log: (m: string) => void;
}

const paramsOf = (r: Run) => (r.params && typeof r.params === 'object' && !Array.isArray(r.params) ? (r.params as Record<string, unknown>) : {});

/** The runs of one proposed point (one per seed), like the sweep's first run (priority, attempts, a dataset's csv mapping). */
function runsOf(sweep: SweepConfig, proposal: Record<string, unknown>, template: Run, log: (m: string) => void): NewRun[] {
  try {
    const templateData = (template.config as ExperimentConfig).data;
    return sweepPointsOf(sweep, [proposal]).map((p) => {
      // the API bound the dataset's csv mapping into the submitted runs; a point on the same dataset gets the same
      const config = p.config.data.dataset && p.config.data.dataset === templateData?.dataset ? { ...p.config, data: { ...p.config.data, csv: templateData.csv } } : p.config;
      return {
        id: randomUUID(),
        projectId: template.projectId,
        experimentId: template.experimentId,
        sweepId: template.sweepId,
        config: config as unknown as Prisma.InputJsonValue,
        params: p.params as Prisma.InputJsonValue,
        seed: p.seed,
        paradigm: config.paradigm.kind,
        device: config.engine.device,
        priority: template.priority,
        maxAttempts: template.maxAttempts,
      };
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log(`sweep ${template.sweepId}: proposed point ${JSON.stringify(proposal)} is not a valid config; skipped: ${e.message}`);
    return [];
  }
}

/** Starts the next points of a tpe sweep, if its plan says so. The runs created. */
export async function continueSweepSearch(deps: SearchDeps, sweepId: string): Promise<Run[]> {
  const row = await sweepConfigById(deps.db, sweepId);
  if (!row || (row.config as { method?: unknown } | null)?.method !== 'tpe' || row.status !== 'running') return [];
  let sweep: SweepConfig;
  try {
    sweep = parseConfig(sweepConfig, row.config, 'sweep');
  } catch {
    return [];
  }
  const created = await extendSweep(deps, sweepId, (runs) => {
    // a cancel by a person ends the search (cancelSweep cancels every run; one cancelled run is enough)
    if (!runs.length || runs.some((r) => r.status === 'cancelled')) return [];
    const history = runs.map((r): SearchRun => ({ params: paramsOf(r), status: r.status, summary: r.summary }));
    // a proposal that is not a valid config (a combination the experiment schema refuses) is drawn again, a few times
    for (let attempt = 0; attempt < 10; attempt++) {
      const plan = planSearch(attempt ? { ...sweep, searchSeed: sweep.searchSeed + 7919 * attempt } : sweep, history);
      if (!plan.proposals.length) return [];
      const fresh = plan.proposals.flatMap((p) => runsOf(sweep, p, runs[0], deps.log));
      if (fresh.length) return fresh;
    }
    deps.log(`sweep ${sweepId}: 10 proposals in a row were not valid configs; the search stops here`);
    return [];
  });
  if (created.length) deps.log(`sweep ${sweepId}: tpe proposed ${created.length} run(s): ${[...new Set(created.map((r) => JSON.stringify(r.params)))].join(', ')}`);
  return created;
}

/**
 * tpe sweeps that wait for a proposal nobody will make (the worker that settled their last run died before proposing):
 * running, with points left, but no run queued or running. Called with reconcile; the sweep lock makes it safe to run
 * from several workers at once. The runs created.
 */
export async function resumeStalledSearches(deps: SearchDeps): Promise<Run[]> {
  const created: Run[] = [];
  for (const id of await stalledTpeSweepIds(deps.db)) created.push(...(await continueSweepSearch(deps, id)));
  return created;
}
