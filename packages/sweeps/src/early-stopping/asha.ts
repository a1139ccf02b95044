// ASHA-style successive halving (Li et al. 2020, "A system for massively parallel hyperparameter tuning"), in its
// stopping form (as Ray Tune's ASHA scheduler): rungs sit at windows minWindow·η^i. A run reaching a rung goes on only
// if it is among the best ⌊n/η⌋ (at least one) of the n runs recorded at that rung so far, itself included; runs
// that come later are compared with those that came before, so no run waits for a rung to fill.
import { describeMetric, type StopMetric } from './metric.js';
import type { EarlyStoppingRule, StopDecision, StopQuestion } from './rule.js';

export interface AshaRuleOptions {
  metric: StopMetric;
  minWindow: number;
  reductionFactor: number;
  minPeers: number;
}

/** The rung windows up to `maxWindow`: minWindow, minWindow·η, minWindow·η², … */
export function ashaRungs(minWindow: number, reductionFactor: number, maxWindow: number): number[] {
  const out: number[] = [];
  for (let w = minWindow; w <= maxWindow; w *= reductionFactor) out.push(w);
  return out;
}

export class AshaRule implements EarlyStoppingRule {
  readonly name = 'asha';
  constructor(private readonly o: AshaRuleOptions) {}

  isRung(window: number): boolean {
    if (window < this.o.minWindow) return false;
    let w = this.o.minWindow;
    while (w < window) w *= this.o.reductionFactor;
    return w === window;
  }

  decide(q: StopQuestion): StopDecision {
    const base = { rule: this.name, window: q.window, value: q.value, peers: q.peers.length };
    if (!this.isRung(q.window)) return { ...base, stop: false, threshold: null, reason: `window ${q.window} is not a rung` };
    if (q.value === null) return { ...base, stop: false, threshold: null, reason: 'no evaluation window yet' };
    if (q.peers.length < this.o.minPeers) return { ...base, stop: false, threshold: null, reason: `${q.peers.length} peer(s) reached rung ${q.window}; the rule needs ${this.o.minPeers}` };
    const n = q.peers.length + 1;
    const keep = Math.max(1, Math.floor(n / this.o.reductionFactor));
    const sorted = [...q.peers, q.value].sort((a, b) => a - b);
    // the keep-th best value of the rung: a run at or below it goes on (ties favour the run)
    const cutoff = sorted[keep - 1];
    const stop = q.value > cutoff;
    const cmp = `${describeMetric(this.o.metric, q.value)} ${stop ? '>' : '≤'} cut-off ${describeMetric(this.o.metric, cutoff)} (best ${keep} of ${n} at rung ${q.window}, η=${this.o.reductionFactor})`;
    return { ...base, stop, threshold: cutoff, reason: stop ? `stopped early at window ${q.window} by rule asha: ${cmp}` : cmp };
  }
}
