// The hidden model that labels synthetic rows, and how it drifts.
//   logit = logit(baseCtr) + A·sin(2π·hourOfDay/24)                      (daily CTR cycle)
//         + Σ_f s_f · ⟨v_f(id_f), u_t⟩                                    (one effect per id, K = 8 latent dims)
//         + ⟨a_t, x − μ⟩                                                  (dense features)
//         + γ · Σ_{f<g<3} ⟨e_f(id_f), e_g(id_g)⟩ / 2                      (a few pairwise interactions)
// v and e are fixed per id (hashed normals); u_t and a_t are unit-norm directions that take a random-walk step of
// driftStd every window and an extra step of shiftScale every shiftEvery windows (renormalised, so the effects keep
// their scale while what matters changes). s_f decays over fields, with √Σ s_f² = ID_LOGIT_STD.
import { Rng, hashedGaussian } from '../../random/rng.js';

export const LATENT_DIMS = 8;
export const INTERACTION_DIMS = 4;
export const INTERACTION_FIELDS = 3;
export const ID_LOGIT_STD = 1.2;
export const DENSE_LOGIT_STD = 0.6;
export const INTERACTION_SCALE = 0.5;

function normalise(v: Float64Array, norm = 1): void {
  let s = 0;
  for (const x of v) s += x * x;
  const k = norm / Math.sqrt(s || 1);
  for (let i = 0; i < v.length; i++) v[i] *= k;
}

/** A unit direction that random-walks (and sometimes jumps) from window to window. */
export class DriftingDirection {
  readonly v: Float64Array;
  private rng: Rng;
  constructor(dims: number, seed: number) {
    this.rng = new Rng(seed);
    this.v = new Float64Array(dims);
    for (let i = 0; i < dims; i++) this.v[i] = this.rng.gaussian();
    normalise(this.v);
  }
  step(std: number): void {
    if (std === 0) return;
    const d = this.v.length;
    for (let i = 0; i < d; i++) this.v[i] += (std * this.rng.gaussian()) / Math.sqrt(d);
    normalise(this.v);
  }
}

export function fieldScales(numFields: number): Float64Array {
  const s = new Float64Array(numFields);
  for (let f = 0; f < numFields; f++) s[f] = Math.exp((-2 * f) / numFields);
  normalise(s, ID_LOGIT_STD);
  return s;
}

/** v_f(id)[k]: the fixed latent vector of an id (hashed normals). */
export function idLatent(seed: number, f: number, id: number, k: number): number {
  return hashedGaussian(id, (seed ^ Math.imul(f + 1, 0x2545f491) ^ Math.imul(k + 1, 0x9e3779b9)) | 0);
}

/** e_f(id)[k]: the fixed interaction vector of an id. */
export function idInteraction(seed: number, f: number, id: number, k: number): number {
  return hashedGaussian(id, (seed ^ Math.imul(f + 1, 0x68e31da4) ^ Math.imul(k + 1, 0x1b56c4e9) ^ 0x5bd1e995) | 0);
}
