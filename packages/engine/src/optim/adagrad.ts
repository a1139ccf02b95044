// Adagrad as in torch.optim.Adagrad (lr_decay 0, weight_decay 0): acc ← acc + g², p ← p − lr·g / (√acc + eps).
// DLRM's default. The sparse form touches only the batch's rows, like torch with sparse embedding gradients.
import type { Optimizer } from './types.js';

export const adagrad: Optimizer = {
  kind: 'adagrad',
  slots: 1,
  scalars: ['opt.lr', 'opt.eps'],
  scalarValues: (cfg) => [cfg.lr, cfg.eps],
  initialState: (cfg) => [cfg.initialAccumulator],
  graphUpdate(g, s, p, grad, [acc]) {
    const acc2 = g.add(acc, g.mul(grad, grad));
    const step = g.div(g.mul(s['opt.lr'], grad), g.add(g.sqrt(acc2), s['opt.eps']));
    return { param: g.sub(p, step), state: [acc2] };
  },
  sparseUpdate(cfg, _step, table, [acc], D, rows, grads, count) {
    // Intermediates in double, results stored as float32: ≈20 % faster than rounding every operation with
    // Math.fround, and the result differs from float32 arithmetic only in the last bit.
    const lr = cfg.lr;
    const eps = cfg.eps;
    for (let k = 0; k < count; k++) {
      if (rows[k] < 0) continue; // an entry already applied elsewhere (overlap/deferred-rows.ts)
      const base = rows[k] * D;
      const src = k * D;
      for (let d = 0; d < D; d++) {
        const gr = grads[src + d];
        const i = base + d;
        acc[i] += gr * gr;
        table[i] -= (lr * gr) / (Math.sqrt(acc[i]) + eps);
      }
    }
  },
};
