// Mask overlap: |A ∩ B| / |A ∪ B| over kept neurons (structured, as layer:index pairs) or kept weights.
import type { PruneMask } from './structure.js';

function sortedIntersection(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { n++; i++; j++; }
    else if (a[i] < b[j]) i++;
    else j++;
  }
  return n;
}

export function maskJaccard(a: PruneMask, b: PruneMask): number {
  if (a.granularity !== b.granularity) throw new Error(`cannot compare a ${a.granularity} mask with a ${b.granularity} mask`);
  let inter = 0;
  let union = 0;
  if (a.granularity === 'structured' && b.granularity === 'structured') {
    for (const name of new Set([...Object.keys(a.neurons), ...Object.keys(b.neurons)])) {
      const x = a.neurons[name] ?? new Int32Array(0);
      const y = b.neurons[name] ?? new Int32Array(0);
      const n = sortedIntersection(x, y);
      inter += n;
      union += x.length + y.length - n;
    }
  } else if (a.granularity === 'unstructured' && b.granularity === 'unstructured') {
    for (const name of new Set([...Object.keys(a.weights), ...Object.keys(b.weights)])) {
      const x = a.weights[name];
      const y = b.weights[name];
      if (!x || !y || x.length !== y.length) throw new Error(`weight masks of ${name} have different sizes`);
      for (let i = 0; i < x.length; i++) {
        inter += x[i] & y[i];
        union += x[i] | y[i];
      }
    }
  }
  return union === 0 ? 1 : inter / union;
}
