// The paradigms an experiment stands for: its base config's, or every kind its sweeps ran when paradigm.kind is swept
// (the API's `paradigms`). Showing the base config's alone would label a sweep over kinds with one of them.
export function experimentParadigms(e: { paradigm: string; paradigms: readonly string[] }): string[] {
  return e.paradigms.length > 0 ? [...e.paradigms] : [e.paradigm];
}
