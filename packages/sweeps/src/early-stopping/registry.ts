// Early-stopping rules by name: the sweep config's `earlyStopping.rule` picks one. A new rule is one file plus a line here.
import type { EarlyStoppingConfig } from '@driftprune/config';
import { AshaRule } from './asha.js';
import { MedianRule } from './median.js';
import type { EarlyStoppingRule } from './rule.js';

type Factory<K extends EarlyStoppingConfig['rule']> = (c: Extract<EarlyStoppingConfig, { rule: K }>) => EarlyStoppingRule;

const RULES: { [K in EarlyStoppingConfig['rule']]: Factory<K> } = {
  median: (c) => new MedianRule(c),
  asha: (c) => new AshaRule(c),
};

export const EARLY_STOPPING_RULES = Object.keys(RULES) as EarlyStoppingConfig['rule'][];

export function earlyStoppingRule(config: EarlyStoppingConfig): EarlyStoppingRule {
  return (RULES[config.rule] as Factory<typeof config.rule>)(config as never);
}
