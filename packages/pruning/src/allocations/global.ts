// global: one threshold across layers on scores divided by their layer's mean, so a layer of large weights does
// not keep everything just because its scale is larger.
import type { AllocationRule } from './types.js';

export const global: AllocationRule = {
  name: 'global',
  ranksBySensitivity: false,
  structuredKey: (c) => c.normalised,
  unstructured: (s, kept) => {
    let m = 0;
    let n = 0;
    for (let i = 0; i < s.length; i++)
      if (kept[i]) {
        m += s[i];
        n++;
      }
    m = n ? m / n : 0;
    return m > 0 ? s.map((v) => v / m) : s.slice();
  },
};
