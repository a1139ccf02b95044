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
    const f = Math.fround;
    const c = corrections(cfg, step);
    const [ss, ib, eps, b1, omb1, b2, omb2] = [c.stepSize, c.invSqrtBc2, cfg.eps, cfg.beta1, 1 - cfg.beta1, cfg.beta2, 1 - cfg.beta2].map(f);
    for (let k = 0; k < count; k++) {
      const base = rows[k] * D;
      for (let d = 0; d < D; d++) {
        const gr = grads[k * D + d];
        const i = base + d;
        const mi = f(f(b1 * m[i]) + f(omb1 * gr));
        const vi = f(f(b2 * v[i]) + f(omb2 * f(gr * gr)));
        m[i] = mi;
        v[i] = vi;
        table[i] = f(table[i] - f(ss * f(mi / f(f(f(Math.sqrt(vi)) * ib) + eps))));
      }
    }
  },
};
