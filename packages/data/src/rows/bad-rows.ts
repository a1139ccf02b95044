// Malformed rows: counted per window with the first few examples, and checked against the stream's error budget
// (the fraction of malformed rows tolerated). Exceeding it fails the stream with the file, line and reason.
import type { BadRowSample } from '../types.js';
import { DataError } from '../errors.js';

export const SAMPLES_PER_WINDOW = 5;
/** Below this many rows read, only the end-of-window checks apply (so one bad line early does not fail a stream). */
const EARLY_CHECK_ROWS = 10_000;

export class BadRowBudget {
  good = 0;
  bad = 0;
  first: BadRowSample | null = null;
  latest: BadRowSample | null = null;

  constructor(readonly budget: number) {}

  recordGood(n = 1): void {
    this.good += n;
  }

  recordBad(sample: BadRowSample): void {
    this.bad++;
    this.first ??= sample;
    this.latest = sample;
    if (this.good + this.bad >= EARLY_CHECK_ROWS) this.check();
  }

  exceeded(): boolean {
    return this.bad > this.budget * (this.good + this.bad);
  }

  /** Throws ERROR_BUDGET_EXCEEDED when the malformed fraction so far exceeds the budget. */
  check(): void {
    if (!this.exceeded()) return;
    const s = this.latest!;
    const total = this.good + this.bad;
    const pct = ((100 * this.bad) / total).toFixed(3);
    const f = this.first!;
    throw new DataError(
      'ERROR_BUDGET_EXCEEDED',
      `${s.file}:${s.line}: ${s.reason} — ${this.bad} malformed rows of ${total} read (${pct}%) exceed data.errorBudget ` +
        `(${(100 * this.budget).toFixed(3)}%); the first was ${f.file}:${f.line}: ${f.reason}`,
      s.file,
      s.line,
    );
  }

  /** At the end of a stream: nothing valid at all is an error of its own. */
  checkEnd(what: string): void {
    if (this.good === 0) {
      const f = this.first;
      throw new DataError(
        'NO_VALID_ROWS',
        `no valid rows in ${what}` + (f ? ` (${this.bad} malformed; the first: ${f.file}:${f.line}: ${f.reason})` : ''),
        f?.file,
        f?.line,
      );
    }
    this.check();
  }
}

/** Bad rows of one window. */
export class WindowBadRows {
  count = 0;
  samples: BadRowSample[] = [];
  add(s: BadRowSample): void {
    this.count++;
    if (this.samples.length < SAMPLES_PER_WINDOW) this.samples.push(s);
  }
}
