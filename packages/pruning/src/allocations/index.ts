// The allocation rules by name: one file each behind AllocationRule. A new rule is one file plus its test.
import { global } from './global.js';
import { greedy } from './greedy.js';
import { learned } from './learned.js';
import { uniform } from './uniform.js';
import type { AllocationRule } from './types.js';

export type { AllocationRule, NeuronCandidate } from './types.js';
export const ALLOCATION_RULES = { uniform, global, greedy, learned } as const satisfies Record<string, AllocationRule>;
export type Allocation = keyof typeof ALLOCATION_RULES;

export function allocationRule(name: string): AllocationRule {
  if (!Object.hasOwn(ALLOCATION_RULES, name)) throw new Error(`unknown allocation '${name}': use one of ${Object.keys(ALLOCATION_RULES).join(', ')}`);
  return ALLOCATION_RULES[name as Allocation];
}
