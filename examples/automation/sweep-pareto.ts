// Submit a sweep, wait for it, fetch its Pareto front: the driftprune API from a script (docs/api.md).
// Plain TypeScript on Node ≥ 20 (global fetch), no dependencies:
//   DRIFTPRUNE_API=http://127.0.0.1:4000/graphql DRIFTPRUNE_TOKEN=dp_… EXPERIMENT_ID=<uuid> \
//     npx tsx examples/automation/sweep-pareto.ts [sweep.json]
// Prints one JSON object: the sweep's final counts, its Pareto front (ΔNE % vs p99 latency) and the best run under
// LATENCY_BUDGET_MS (if set). Exits 1 with the API's error code on a refused call, 2 when the sweep does not finish
// within TIMEOUT_SEC.
import { readFileSync } from 'node:fs';

interface GraphQLError {
  message: string;
  extensions?: { code?: string; reason?: string; issues?: { path: string; message: string }[] };
}

export class ApiError extends Error {
  constructor(readonly errors: GraphQLError[]) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}${e.extensions?.reason ? `/${e.extensions.reason}` : ''}: ${e.message}`).join('; '));
  }
}

export async function gql<T>(api: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: GraphQLError[] };
  if (body.errors?.length) throw new ApiError(body.errors);
  return body.data!;
}

const DEFAULT_SWEEP = {
  name: 'budgets from a script',
  method: 'grid',
  seeds: [1, 2],
  parameters: { 'pruning.budget': { values: [0.25, 0.5, 0.75] } },
};

export interface Options {
  api: string;
  token: string;
  experimentId: string;
  sweep?: unknown;
  latencyBudgetMs?: number;
  timeoutSec?: number;
  pollMs?: number;
  log?: (m: string) => void;
}

export async function submitAndFetchPareto(o: Options) {
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const { submitSweep } = await gql<{ submitSweep: { id: string; total: number } }>(o.api, o.token, 'mutation($i: SubmitSweepInput!) { submitSweep(input: $i) { id total } }', {
    i: { experimentId: o.experimentId, sweep: o.sweep ?? DEFAULT_SWEEP },
  });
  log(`sweep ${submitSweep.id}: ${submitSweep.total} runs queued`);
  const deadline = Date.now() + (o.timeoutSec ?? 3_600) * 1000;
  type Counts = { status: string; total: number; succeeded: number; stopped: number; failed: number; cancelled: number };
  let counts: Counts;
  for (;;) {
    ({ sweep: counts } = await gql<{ sweep: Counts }>(o.api, o.token, 'query($id: ID!) { sweep(id: $id) { status total succeeded stopped failed cancelled } }', { id: submitSweep.id }));
    if (!['queued', 'running'].includes(counts.status)) break;
    if (Date.now() > deadline) throw Object.assign(new Error(`sweep ${submitSweep.id} still ${counts.status} after ${o.timeoutSec ?? 3_600} s`), { exitCode: 2 });
    await new Promise((r) => setTimeout(r, o.pollMs ?? 2_000));
  }
  log(`sweep ${submitSweep.id}: ${counts.status} (${counts.succeeded} succeeded, ${counts.stopped} stopped, ${counts.failed} failed)`);
  const { sweep } = await gql<{ sweep: { paretoFront: unknown; bestUnderBudget: unknown } }>(
    o.api,
    o.token,
    `query($id: ID!, $budget: Float!, $withBudget: Boolean!) { sweep(id: $id) {
      paretoFront(cost: P99_MS) { cost batchSize excludedRuns front { label params gapPct gapStd cost costStd n runIds } }
      bestUnderBudget(cost: P99_MS, budget: $budget) @include(if: $withBudget) { label gapPct cost runIds } } }`,
    { id: submitSweep.id, budget: o.latencyBudgetMs ?? 0, withBudget: o.latencyBudgetMs !== undefined },
  );
  return { sweepId: submitSweep.id, counts, paretoFront: sweep.paretoFront, bestUnderBudget: sweep.bestUnderBudget ?? null };
}

// run as a script (not when imported)
if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  const need = (k: string) => env[k] ?? (console.error(`set ${k}`), process.exit(64));
  submitAndFetchPareto({
    api: env.DRIFTPRUNE_API ?? 'http://127.0.0.1:4000/graphql',
    token: need('DRIFTPRUNE_TOKEN'),
    experimentId: need('EXPERIMENT_ID'),
    sweep: process.argv[2] ? JSON.parse(readFileSync(process.argv[2], 'utf8')) : undefined,
    latencyBudgetMs: env.LATENCY_BUDGET_MS ? Number(env.LATENCY_BUDGET_MS) : undefined,
    timeoutSec: env.TIMEOUT_SEC ? Number(env.TIMEOUT_SEC) : undefined,
  }).then(
    (out) => console.log(JSON.stringify(out, null, 2)),
    (e: Error & { exitCode?: number }) => {
      console.error(e.message);
      process.exit(e.exitCode ?? 1);
    },
  );
}
