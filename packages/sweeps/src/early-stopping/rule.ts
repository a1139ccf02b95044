// What an early-stopping rule is: given one run's metric at a window boundary and its peers' at the same window,
// stop or go on. Rules are pure (no I/O): the worker gathers the numbers, the rule decides.

/** Lower is better for every metric a rule sees (ΔNE %, NE). */
export interface StopQuestion {
  /** The window that just ended (0-based, as the runner counts). */
  window: number;
  /** The run's own metric at this window (running mean over its evaluation windows so far); null before it has one. */
  value: number | null;
  /** The same metric of every other run of the sweep that reached this window. */
  peers: number[];
}

export interface StopDecision {
  stop: boolean;
  /** The rule's name (median, asha). */
  rule: string;
  window: number;
  value: number | null;
  /** What the value was compared with (the peers' median, the rung's cut-off); null when the rule did not compare. */
  threshold: number | null;
  peers: number;
  /** Why, in words: "stopped early at window 4 by rule median: ΔNE 3.1 % > median 1.2 % of 5 peers". */
  reason: string;
}

export interface EarlyStoppingRule {
  readonly name: string;
  decide(q: StopQuestion): StopDecision;
}
