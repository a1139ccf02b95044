// Stop messages: the API publishes a run id when it cancels or deletes a running run; its execution stops within one
// mini-batch (the runner checks the signal). A missed message is caught by the heartbeat (heartbeat.ts).
import type { Redis } from 'ioredis';
import type { CancelMessage } from '@driftprune/runs';
import type { Executions } from './executions.js';

export async function subscribeToStops(sub: Redis, channel: string, executions: Executions): Promise<void> {
  await sub.subscribe(channel);
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let m: CancelMessage;
    try {
      m = JSON.parse(message) as CancelMessage;
    } catch {
      return; // a malformed control message is ignored
    }
    if (typeof m?.runId === 'string') executions.stop(m.runId, m.reason === 'deleted' ? 'deleted' : 'cancelled');
  });
}
