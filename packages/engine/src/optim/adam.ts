// Adam as in torch.optim.Adam (no weight decay, no amsgrad):
//   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  p ← p − (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + eps).
// Embedding rows use the lazy sparse form (torch.optim.SparseAdam): only the batch's rows move, with the global t.
import type { OptimizerConfig } from '@driftprune/config';
import type { Optimizer } from './types.js';

function corrections(cfg: OptimizerConfig, step: number) {
  const bc1 = 1 - cfg.beta1 ** step;
  const bc2 = 1 - cfg.beta2 ** step;
  return { stepSize: cfg.lr / bc1, invSqrtBc2: 1 / Math.sqrt(bc2) };
}

export const adam: Optimizer = {
  kind: 'adam',
  slots: 2,
  scalars: ['opt.step_size', 'opt.inv_sqrt_bc2', 'opt.eps', 'opt.beta1', 'opt.one_minus_beta1', 'opt.beta2', 'opt.one_minus_beta2'],
  scalarValues(cfg, step) {
    const c = corrections(cfg, step);
    return [c.stepSize, c.invSqrtBc2, cfg.eps, cfg.beta1, 1 - cfg.beta1, cfg.beta2, 1 - cfg.beta2];
  },
  initialState: () => [0, 0],
  graphUpdate(g, s, p, grad, [m, v]) {
    const m2 = g.add(g.mul(s['opt.beta1'], m), g.mul(s['opt.one_minus_beta1'], grad));
    const v2 = g.add(g.mul(s['opt.beta2'], v), g.mul(s['opt.one_minus_beta2'], g.mul(grad, grad)));
    const denom = g.add(g.mul(g.sqrt(v2), s['opt.inv_sqrt_bc2']), s['opt.eps']);
    return { param: g.sub(p, g.mul(s['opt.step_size'], g.div(m2, denom))), state: [m2, v2] };
  },
  sparseUpdate(cfg, step, table, [m, v], D, rows, grads, count) {
    // Intermediates in double, results stored as float32 (as in adagrad.ts).
    const { stepSize, invSqrtBc2 } = corrections(cfg, step);
    const { eps, beta1, beta2 } = cfg;
    for (let k = 0; k < count; k++) {
      if (rows[k] < 0) continue; // an entry already applied elsewhere (overlap/deferred-rows.ts)
      const base = rows[k] * D;
      const src = k * D;
      for (let d = 0; d < D; d++) {
        const gr = grads[src + d];
        const i = base + d;
        m[i] = beta1 * m[i] + (1 - beta1) * gr;
        v[i] = beta2 * v[i] + (1 - beta2) * gr * gr;
        table[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) * invSqrtBc2 + eps);
      }
    }
  },
};
