// When a serving model is refreshed: each trigger is one rule over what the run measured after a window. Triggers
// are pure (no models, no I/O), so each is tested alone; adaptive.ts combines them within [rMin, rMax].
// Window indices are the stream's (0-based); a decision taken "after window t" acts once the models have trained
// on W_t, before they are evaluated on W_(t+1).

export interface TriggerSignals {
  /** Windows since the last refresh, counting this one (1 right after a refresh). */
  sinceRefresh: number;
  /** ΔNE% of the serving model on the window just evaluated (NaN when unknown). */
  deltaNEPct: number;
  /** ΔNE% of the same serving model on the window before (NaN when it was not serving then). */
  prevDeltaNEPct: number;
  /** How far the dense model's NE on the window just evaluated is above its mean since the last refresh, in % (NaN when unknown). */
  denseNERisePct: number;
  /**
   * Jaccard index between the mask the dense model would give now and the serving mask. Computing it prunes the
   * dense model (and with allocation `learned` trains its gates), so it is a function, called only by a trigger
   * that needs it (and at most once per window).
   */
  jaccard(): Promise<number>;
}

export interface RefreshTrigger {
  /** Logged as the refresh's trigger. */
  readonly name: string;
  fires(s: TriggerSignals): boolean | Promise<boolean>;
}
