// Plain SGD: p ← p − lr·g.
import type { Optimizer } from './types.js';

export const sgd: Optimizer = {
  kind: 'sgd',
  slots: 0,
  scalars: ['opt.lr'],
  scalarValues: (cfg) => [cfg.lr],
  initialState: () => [],
  graphUpdate(g, s, p, grad) {
    return { param: g.sub(p, g.mul(s['opt.lr'], grad)), state: [] };
  },
  sparseUpdate(cfg, _step, table, _state, D, rows, grads, count) {
    const lr = cfg.lr;
    for (let k = 0; k < count; k++) {
      if (rows[k] < 0) continue; // an entry already applied elsewhere (overlap/deferred-rows.ts)
      const base = rows[k] * D;
      const src = k * D;
      for (let d = 0; d < D; d++) table[base + d] -= lr * grads[src + d];
    }
  },
};
