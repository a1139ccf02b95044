// Fine-tuning a freshly pruned model on the latest window, right after a refresh.
//
// The new model starts from dense weights that have already trained on that window. Another pass over the window's
// labels memorises it: on the synthetic stream 16 such steps cost +27 % NE on the next window, and the dense model
// itself, given the same 16 extra steps, lost 45 % (bench/fine-tune-diagnosis.ts, docs/results.md). Distillation
// fits the dense model's predictions instead: the pruned model is pulled back to the function it was cut from (what
// the pruning damaged), and where it already agrees with dense the gradient, and so the step, is near zero.
import type { Batch } from '@driftprune/data';
import type { Trainer } from '@driftprune/engine';

export type FineTuneTarget = 'dense' | 'labels';

export interface FineTuneOptions {
  steps: number;
  target: FineTuneTarget;
  /** The dense model (required by target `dense`): its predictions are the soft labels. */
  teacher?: Trainer;
  /** Called before every step (cancellation). */
  beforeStep?: () => void;
}

/** Trains `model` for `steps` mini-batches, cycling over `batches()` when one pass is not enough; returns rows trained. */
export async function fineTune(model: Trainer, batches: () => AsyncIterable<Batch>, o: FineTuneOptions): Promise<{ steps: number; rows: number }> {
  if (o.target === 'dense' && !o.teacher) throw new Error("fineTune: target 'dense' needs the dense model as `teacher`");
  let steps = 0;
  let rows = 0;
  while (steps < o.steps) {
    let any = false;
    for await (const b of batches()) {
      if (steps >= o.steps) break;
      o.beforeStep?.();
      model.trainStep(o.target === 'dense' ? { ...b, labels: o.teacher!.predict(b) } : b);
      steps++;
      rows += b.size;
      any = true;
    }
    if (!any) break;
  }
  return { steps, rows };
}
