import type { OptimizerConfig } from '@driftprune/config';
import { EngineError } from '../errors.js';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import { sgd } from './sgd.js';
import type { Optimizer, OptimizerKind } from './types.js';

export type { Optimizer, OptimizerKind } from './types.js';
export const OPTIMIZERS: Record<OptimizerKind, Optimizer> = { sgd, adagrad, adam };

const DEFAULTS: OptimizerConfig = { kind: 'adagrad', lr: 0.01, eps: 1e-10, initialAccumulator: 0, beta1: 0.9, beta2: 0.999 };

/** Fills defaults and rejects what would not train, with messages that name the field. */
export function resolveOptimizer(cfg: Partial<OptimizerConfig> | undefined): { config: OptimizerConfig; optimizer: Optimizer } {
  const c = { ...DEFAULTS, ...(cfg ?? {}) };
  const optimizer = OPTIMIZERS[c.kind as OptimizerKind];
  if (!optimizer || !Object.hasOwn(OPTIMIZERS, c.kind))
    throw new EngineError('BAD_OPTIMIZER', `unknown optimizer '${String(c.kind)}': use one of ${Object.keys(OPTIMIZERS).join(', ')}`);
  const pos = (k: 'lr' | 'eps') => {
    if (!(typeof c[k] === 'number' && c[k] > 0 && Number.isFinite(c[k]))) throw new EngineError('BAD_OPTIMIZER', `optimizer.${k} must be a finite number > 0, got ${c[k]}`);
  };
  pos('lr');
  pos('eps');
  if (!(c.initialAccumulator >= 0)) throw new EngineError('BAD_OPTIMIZER', `optimizer.initialAccumulator must be ≥ 0, got ${c.initialAccumulator}`);
  for (const k of ['beta1', 'beta2'] as const)
    if (!(c[k] >= 0 && c[k] < 1)) throw new EngineError('BAD_OPTIMIZER', `optimizer.${k} must be in [0, 1), got ${c[k]}`);
  return { config: c, optimizer };
}
