// A training graph cut in two runs: `forward` computes what the host reads (the loss and the bad-id flag) and
// hands every value the rest needs to `update` (backward and optimizer), whose outputs all stay on the device.
// Why: `session.run` returns only once its host outputs are on the host. A run with none returns as soon as its work
// is recorded, so the next step's host→device copy overlaps the GPU's backward pass (bench-gpu's `overlap` phase,
// docs/performance.md "GPU (WebGPU)"). Both halves together compute exactly the nodes of the one-run graph.
import { onnx, type ModelProto } from '@driftprune/onnx';

type Graph = NonNullable<ModelProto['graph']>;
type Node = NonNullable<Graph['node']>[number];
type ValueInfo = NonNullable<Graph['input']>[number];

export interface SplitStep {
  forward: Uint8Array;
  update: Uint8Array;
  /** Values computed by `forward` and read by `update` (outputs of one, inputs of the other). */
  carried: string[];
  /** Graph inputs each half takes. */
  forwardInputs: string[];
  updateInputs: string[];
}

const T = onnx.TensorProto.DataType;

/** Element types of every value: graph inputs, initializers, then each node's outputs by its op's rule. */
function elemTypes(g: Graph): Map<string, number> {
  const types = new Map<string, number>();
  for (const v of g.input ?? []) types.set(v.name!, v.type!.tensorType!.elemType!);
  for (const t of g.initializer ?? []) types.set(t.name!, t.dataType!);
  for (const n of g.node ?? []) {
    const ins = n.input ?? [];
    let t: number | undefined;
    switch (n.opType) {
      case 'Cast':
        t = Number(n.attribute!.find((a: { name?: string | null }) => a.name === 'to')!.i);
        break;
      case 'Shape':
        t = T.INT64;
        break;
      case 'Greater': case 'Less': case 'Equal': case 'GreaterOrEqual': case 'LessOrEqual': case 'Not': case 'And': case 'Or':
        t = T.BOOL;
        break;
      case 'Where':
        t = types.get(ins[1]);
        break;
      default:
        t = types.get(ins[0]);
    }
    if (t === undefined) throw new Error(`splitTrainGraph: no element type for the outputs of ${n.opType} '${n.name}'`);
    for (const o of n.output ?? []) if (o) types.set(o, t);
  }
  return types;
}

const untyped = (name: string, elemType: number): ValueInfo => ({ name, type: { tensorType: { elemType } } });

/** Cuts `model` (a one-run training graph) so that `hostOutputs` come from the first run and everything else from the second. */
export function splitTrainGraph(model: Uint8Array, hostOutputs: string[]): SplitStep {
  const m = onnx.ModelProto.decode(model);
  const g = m.graph!;
  const nodes = g.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => producer.set(o, i)));
  // Forward half: the nodes the host outputs depend on.
  const inForward = new Set<number>();
  const stack = [...hostOutputs];
  while (stack.length) {
    const i = producer.get(stack.pop()!);
    if (i === undefined || inForward.has(i)) continue;
    inForward.add(i);
    stack.push(...(nodes[i].input ?? []).filter(Boolean));
  }
  const fwd = nodes.filter((_, i) => inForward.has(i));
  const upd = nodes.filter((_, i) => !inForward.has(i));
  const fwdProduced = new Set(fwd.flatMap((n) => n.output ?? []));
  const updUses = new Set(upd.flatMap((n) => n.input ?? []));
  const outputs = g.output ?? [];
  const laterOutputs = outputs.filter((o) => !hostOutputs.includes(o.name!));
  for (const o of laterOutputs) if (fwdProduced.has(o.name!)) throw new Error(`splitTrainGraph: output '${o.name}' would come from the forward run`);
  const carried = [...fwdProduced].filter((v) => updUses.has(v));
  const types = elemTypes(g);
  const inputsOf = (half: Node[]) => {
    const used = new Set(half.flatMap((n) => n.input ?? []));
    return (g.input ?? []).filter((v) => used.has(v.name!));
  };
  const initializersOf = (half: Node[]) => {
    const used = new Set(half.flatMap((n) => n.input ?? []));
    return (g.initializer ?? []).filter((t) => used.has(t.name!));
  };
  const encode = (name: string, node: Node[], input: ValueInfo[], output: ValueInfo[]) =>
    onnx.ModelProto.encode(onnx.ModelProto.create({ ...m, graph: { name, node, input, output, initializer: initializersOf(node) } })).finish();
  const forwardIn = inputsOf(fwd);
  const updateIn = inputsOf(upd);
  return {
    forward: encode(`${g.name}_forward`, fwd, forwardIn, [...outputs.filter((o) => hostOutputs.includes(o.name!)), ...carried.map((c) => untyped(c, types.get(c)!))]),
    update: encode(`${g.name}_update`, upd, [...updateIn, ...carried.map((c) => untyped(c, types.get(c)!))], laterOutputs),
    carried,
    forwardInputs: forwardIn.map((v) => v.name!),
    updateInputs: updateIn.map((v) => v.name!),
  };
}
