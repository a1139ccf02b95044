// d2s (Ye et al. 2020): the dense model trains on; a new sparse model is derived from it at warm-up end and every
// r windows (warm start or from scratch, optional fine-tuning, optional shadow windows: refresh options).
import type { ParadigmConfig } from '@driftprune/config';
import { periodicDue } from '../triggers/schedule.js';
import { deriveFromDense } from './derive.js';
import type { Paradigm } from './types.js';

export function d2sParadigm(p: Extract<ParadigmConfig, { kind: 'd2s' }>): Paradigm {
  return {
    kind: 'd2s',
    denseTraining: 'always',
    warmupEnd: (run, t, win) => deriveFromDense(run, t, 'warmup_end', win, p.refresh),
    afterWindow: async (run, t, win) => {
      if (periodicDue(p, t)) await deriveFromDense(run, t, 'schedule', win, p.refresh);
    },
  };
}
