// A run's writes ride out a database restart or failover (issue 12.9): a write that fails because the server went
// away is tried again once the database answers, for up to a bound, instead of failing the run and using up an
// attempt. Safe because every write of a run event is idempotent (upserts keyed by run, window, model / seq).
import { pingDatabase, type Db } from '@driftprune/db';

/** Messages of errors that mean "the connection or the server went away", not "the write is wrong". */
const CONNECTION_LOST = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|terminating connection|connection (was )?closed|Server has closed the connection|Can't reach database|the database system is (starting up|shutting down|in recovery mode)|57P0[1-3]|08(000|003|006|001|004)|P1001|P1002|P1017/i;

function describe(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, i = 0; c && i < 5; c = (c as { cause?: unknown }).cause, i++) {
    if (c instanceof Error) parts.push(c.message, String((c as { code?: unknown }).code ?? ''));
    else parts.push(String(c));
  }
  return parts.join(' | ');
}

export function isConnectionLost(e: unknown): boolean {
  return CONNECTION_LOST.test(describe(e));
}

async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await pingDatabase(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `write`; when it fails because the database went away (its error says so, or the database does not answer
 * a probe), waits until it answers and tries again, for at most `maxMs` in all. Other errors are thrown at once.
 */
export async function retryWhileDatabaseDown<T>(db: Db, write: () => Promise<T>, opts: { maxMs?: number; log?: (m: string) => void; what?: string } = {}): Promise<T> {
  const maxMs = opts.maxMs ?? 120_000;
  const start = Date.now();
  let logged = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await write();
      if (logged) opts.log?.(`database answers again; ${opts.what ?? 'write'} done after ${((Date.now() - start) / 1000).toFixed(1)} s`);
      return r;
    } catch (e) {
      if (Date.now() - start > maxMs) throw e;
      if (!isConnectionLost(e) && (await databaseAnswers(db))) throw e;
      if (!logged) opts.log?.(`database unreachable (${describe(e).split(' | ').filter(Boolean).join('; ').slice(0, 200)}); ${opts.what ?? 'write'} waits for it`);
      logged = true;
      // wait for the server, then try the write again
      while (Date.now() - start <= maxMs && !(await databaseAnswers(db))) await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** Math.min(attempt, 4))));
    }
  }
}
