// Early stopping by the platform, on the worker's side: at each window boundary of a sweep run whose sweep declares
// `earlyStopping`, the run's running metric and its peers' at the same window (other runs of the sweep that reached
// it, running or finished) go to the sweep's rule (@driftprune/sweeps). A stop aborts the execution (stop reason
// 'early-stopped'); run-job.ts then settles the claim with stopRunEarly: status `stopped` and Run.earlyStop.
import { earlyStoppingConfig, type EarlyStoppingConfig } from '@driftprune/config';
import { peerWindowNe, runWindowNe, sweepConfigById, type Db, type Prisma } from '@driftprune/db';
import type { RunEvent } from '@driftprune/experiment';
import { earlyStoppingRule, runningMetric, type EarlyStoppingRule, type StopDecision, type WindowNe } from '@driftprune/sweeps';

export class EarlyStopper {
  private decided: StopDecision | null = null;
  private constructor(
    private readonly db: Db,
    private readonly run: { id: string; sweepId: string },
    private readonly config: EarlyStoppingConfig,
    private readonly rule: EarlyStoppingRule,
  ) {}

  /** The stopper of a run whose sweep declares a rule; null otherwise (a lone run, a sweep without one). */
  static async forRun(db: Db, run: { id: string; sweepId: string | null }): Promise<EarlyStopper | null> {
    if (!run.sweepId) return null;
    const sweep = await sweepConfigById(db, run.sweepId);
    const raw = (sweep?.config as { earlyStopping?: unknown } | null)?.earlyStopping;
    if (raw === undefined || raw === null) return null;
    // the API validated it on submit; a config that no longer parses stops nothing
    const parsed = earlyStoppingConfig.safeParse(raw);
    if (!parsed.success) return null;
    return new EarlyStopper(db, { id: run.id, sweepId: run.sweepId }, parsed.data, earlyStoppingRule(parsed.data));
  }

  /** The decision that stopped the run, once there is one. */
  get stopped(): StopDecision | null {
    return this.decided;
  }

  /** What Run.earlyStop records: where and why (stopRunEarly of @driftprune/runs writes it with the status). */
  record(): Prisma.InputJsonValue {
    const d = this.decided!;
    return { window: d.window, rule: d.rule, metric: this.config.metric, value: d.value, threshold: d.threshold, peers: d.peers, reason: d.reason };
  }

  /**
   * The runner's event handler with the rule asked after each window's metrics are stored; `stop` is called once,
   * when the rule says so (the worker aborts the execution).
   */
  wrap(write: (e: RunEvent) => Promise<void>, stop: () => void): (e: RunEvent) => Promise<void> {
    return async (e) => {
      await write(e);
      if (e.type !== 'window' || this.decided || !e.metrics.length) return;
      if (await this.afterWindow(e.metrics[0].window)) stop();
    };
  }

  /** Asks the rule about the window that just ended; a stop is remembered and returned (then the caller aborts). */
  async afterWindow(window: number): Promise<StopDecision | null> {
    if (this.decided) return this.decided;
    const metric = this.config.metric;
    const own = runningMetric((await runWindowNe(this.db, this.run.id, window)) as WindowNe[], metric, window);
    const byRun = new Map<string, WindowNe[]>();
    for (const r of await peerWindowNe(this.db, this.run.sweepId, window, this.run.id)) byRun.set(r.runId, [...(byRun.get(r.runId) ?? []), r as WindowNe]);
    const peers = [...byRun.values()].map((rows) => runningMetric(rows, metric, window)).filter((v): v is number => v !== null);
    const d = this.rule.decide({ window, value: own, peers });
    if (d.stop) this.decided = d;
    return d.stop ? d : null;
  }
}
