// The median stopping rule (Golovin et al. 2017, Google Vizier): a run whose running metric at window k is worse
// than the median of its peers' running metrics at window k stops. Never before minWindow, nor with fewer than
// minPeers peers (a median of one or two runs says little).
import { median } from '@driftprune/stats';
import { describeMetric, type StopMetric } from './metric.js';
import type { EarlyStoppingRule, StopDecision, StopQuestion } from './rule.js';

export interface MedianRuleOptions {
  metric: StopMetric;
  minWindow: number;
  minPeers: number;
}

export class MedianRule implements EarlyStoppingRule {
  readonly name = 'median';
  constructor(private readonly o: MedianRuleOptions) {}

  decide(q: StopQuestion): StopDecision {
    const base = { rule: this.name, window: q.window, value: q.value, peers: q.peers.length };
    if (q.window < this.o.minWindow) return { ...base, stop: false, threshold: null, reason: `window ${q.window} is before minWindow ${this.o.minWindow}` };
    if (q.value === null) return { ...base, stop: false, threshold: null, reason: 'no evaluation window yet' };
    if (q.peers.length < this.o.minPeers) return { ...base, stop: false, threshold: null, reason: `${q.peers.length} peer(s) reached window ${q.window}; the rule needs ${this.o.minPeers}` };
    const m = median(q.peers);
    const stop = q.value > m;
    const cmp = `${describeMetric(this.o.metric, q.value)} ${stop ? '>' : '≤'} median ${describeMetric(this.o.metric, m)} of ${q.peers.length} peers`;
    return { ...base, stop, threshold: m, reason: stop ? `stopped early at window ${q.window} by rule median: ${cmp}` : cmp };
  }
}
