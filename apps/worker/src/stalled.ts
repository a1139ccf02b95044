// Jobs BullMQ gives up on or loses hold of. A job that stalled too often (its workers kept dying) is failed by BullMQ
// without calling the processor: its run fails too. A job whose lock this worker could not renew (the process was
// starved of CPU, or Redis unreachable) may be delivered again, here or elsewhere: that delivery claims the run anew
// and this execution is stopped by the heartbeat's attempt check (heartbeat.ts), so the run never runs twice.
import type { Worker as BullWorker } from 'bullmq';
import { failAbandonedRun, type ClaimsDeps, type RunJobData } from '@driftprune/runs';

export function watchStalledJobs(worker: BullWorker<RunJobData>, deps: ClaimsDeps, log: (msg: string) => void): void {
  worker.on('failed', (job, err) => {
    if (!job) return;
    const runId = job.data.runId;
    // Every failed delivery is said once here, so that no run is retried in silence (a settlement refused for a
    // reason the handler did not foresee throws past its own logging).
    log(`run ${runId}: job attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1} failed: ${err.message}`);
    if (!/stalled more than allowable limit/.test(err.message)) return;
    failAbandonedRun(deps, runId, `${err.message} (its workers kept dying)`).catch((e) => log(`could not mark run ${runId} failed: ${(e as Error).message}`));
  });
  worker.on('lockRenewalFailed', (jobIds) => log(`lost the lock of job(s) ${jobIds.join(', ')}: a later delivery may claim their runs; these executions then stop`));
}
