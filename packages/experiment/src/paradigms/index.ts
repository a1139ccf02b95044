// The paradigms by kind: one file each behind Paradigm (types.ts). A new paradigm is one file plus its test, an
// entry here and its config variant in packages/config.
import type { ParadigmConfig, ParadigmKind } from '@driftprune/config';
import { adaptiveD2SParadigm } from './adaptive-d2s.js';
import { d2sParadigm } from './d2s.js';
import { d2sRampParadigm } from './d2s-ramp.js';
import { denseParadigm } from './dense.js';
import { gradualParadigm } from './gradual.js';
import { pruneOnceParadigm } from './prune-once.js';
import { pruneOnceDistillParadigm } from './prune-once-distill.js';
import { sparseRegrowParadigm } from './sparse-regrow.js';
import type { Paradigm } from './types.js';

export type { Paradigm } from './types.js';

type Factories = { [K in ParadigmKind]: (p: Extract<ParadigmConfig, { kind: K }>) => Paradigm };

export const PARADIGM_FACTORIES: Factories = {
  dense: denseParadigm,
  prune_once: pruneOnceParadigm,
  gradual: gradualParadigm,
  sparse_regrow: sparseRegrowParadigm,
  d2s: d2sParadigm,
  adaptive_d2s: adaptiveD2SParadigm,
  prune_once_distill: pruneOnceDistillParadigm,
  d2s_ramp: d2sRampParadigm,
};

export function createParadigm(p: ParadigmConfig): Paradigm {
  if (!Object.hasOwn(PARADIGM_FACTORIES, p.kind)) throw new Error(`unknown paradigm '${String(p.kind)}': use one of ${Object.keys(PARADIGM_FACTORIES).join(', ')}`);
  return (PARADIGM_FACTORIES[p.kind] as (c: ParadigmConfig) => Paradigm)(p);
}
