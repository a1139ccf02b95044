// A small typed ONNX graph builder: every op used by the engine is one method that returns its output name(s).
// Values are plain strings (ONNX value names); the builder invents unique names so callers never collide.
import { ELEM_TYPE_CODE, onnx, type ElemType, type NodeProto, type TensorProto, type ValueInfoProto } from './proto.js';

/** A dimension: a fixed size or a symbolic name such as 'B' (the batch). */
export type Dim = number | string;

export type TypedArrayOf<E extends ElemType> = E extends 'float32'
  ? Float32Array
  : E extends 'float64'
    ? Float64Array
    : E extends 'int32'
      ? Int32Array
      : E extends 'int64'
        ? BigInt64Array
        : Uint8Array;

type Attr = number | number[] | string;

export interface BuildOptions {
  /** Default 17: every op the engine needs (ReduceSum with axes as an input, Split with a split input) exists there. */
  opset?: number;
  producer?: string;
}

function tensorProto(name: string, elem: ElemType, dims: number[], data: ArrayBufferView): TensorProto {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Copy: protobufjs keeps a reference, and callers may reuse their arrays.
  return { name, dims, dataType: ELEM_TYPE_CODE[elem], rawData: new Uint8Array(bytes) };
}

function valueInfo(name: string, elem: ElemType, dims: Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE_CODE[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: Attr): onnxAttr {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (Number.isInteger(value)) return { name, type: T.INT, i: value };
  return { name, type: T.FLOAT, f: value };
}
type onnxAttr = NonNullable<NodeProto['attribute']>[number];

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  /** Names handed out by fresh() and not yet given to an input, output or initializer. */
  private readonly reserved = new Set<string>();
  /** Values renamed by output(): later nodes that read the old name read the new one. */
  private readonly alias = new Map<string, string>();
  private counter = 0;

  /** `float` is the element type of every floating constant this builder makes (float32, or float64 for gradient checks). */
  constructor(
    readonly name: string,
    readonly float: 'float32' | 'float64' = 'float32',
  ) {}

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let n = `${prefix}_${this.counter++}`;
    while (this.used.has(n)) n = `${prefix}_${this.counter++}`;
    this.used.add(n);
    this.reserved.add(n);
    return n;
  }

  private claim(name: string): string {
    if (this.reserved.delete(name)) return name;
    if (this.used.has(name)) throw new Error(`graph ${this.name}: the value name '${name}' is already used`);
    this.used.add(name);
    return name;
  }

  input(name: string, dims: Dim[], elem: ElemType = this.float): string {
    this.inputs.push(valueInfo(this.claim(name), elem, dims));
    return name;
  }

  /**
   * Marks an existing value as a graph output under `name`. A value computed by a node is renamed in place (an
   * Identity would copy it every run: weights and optimizer state are outputs of every training step); graph
   * inputs, initializers and values that are already outputs get an Identity.
   */
  output(value: string, name: string, dims: Dim[], elem: ElemType = this.float): string {
    value = this.alias.get(value) ?? value;
    if (value !== name) {
      const producer = this.nodes.find((n) => n.output?.includes(value));
      const alreadyOutput = this.outputs.some((o) => o.name === value);
      if (producer && !alreadyOutput) {
        this.claim(name);
        for (const n of this.nodes) {
          n.output = n.output!.map((v) => (v === value ? name : v));
          n.input = n.input!.map((v) => (v === value ? name : v));
        }
        this.alias.set(value, name);
      } else this.node('Identity', [value], {}, [this.claim(name)]);
    }
    this.outputs.push(valueInfo(name, elem, dims));
    return name;
  }

  initializer<E extends ElemType>(name: string, elem: E, dims: number[], data: TypedArrayOf<E>): string {
    this.initializers.push(tensorProto(this.claim(name), elem, dims, data));
    return name;
  }

  /** A float constant of this graph's float type. */
  scalar(value: number, prefix = 'c'): string {
    const data = this.float === 'float32' ? new Float32Array([value]) : new Float64Array([value]);
    return this.initializer(this.fresh(prefix), this.float, [], data as TypedArrayOf<typeof this.float>);
  }

  ints(values: number[], prefix = 'i64'): string {
    return this.initializer(this.fresh(prefix), 'int64', [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node; `outputs` is a count of fresh outputs or explicit names. Returns the output names. */
  node(op: string, inputs: string[], attrs: Record<string, Attr | undefined> = {}, outputs: number | string[] = 1): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op.toLowerCase())) : outputs;
    const attribute = Object.entries(attrs)
      .filter((e): e is [string, Attr] => e[1] !== undefined)
      .map(([k, v]) => attribute_(k, v));
    this.nodes.push({ opType: op, input: inputs.map((v) => this.alias.get(v) ?? v), output: outs, name: this.fresh(`n_${op}`), attribute });
    return outs;
  }

  private op1(op: string, inputs: string[], attrs: Record<string, Attr | undefined> = {}): string {
    return this.node(op, inputs, attrs)[0];
  }

  // Arithmetic (numpy broadcasting)
  add(a: string, b: string) { return this.op1('Add', [a, b]); }
  sub(a: string, b: string) { return this.op1('Sub', [a, b]); }
  mul(a: string, b: string) { return this.op1('Mul', [a, b]); }
  div(a: string, b: string) { return this.op1('Div', [a, b]); }
  neg(x: string) { return this.op1('Neg', [x]); }
  abs(x: string) { return this.op1('Abs', [x]); }
  sqrt(x: string) { return this.op1('Sqrt', [x]); }
  exp(x: string) { return this.op1('Exp', [x]); }
  log(x: string) { return this.op1('Log', [x]); }
  relu(x: string) { return this.op1('Relu', [x]); }
  sigmoid(x: string) { return this.op1('Sigmoid', [x]); }
  greater(a: string, b: string) { return this.op1('Greater', [a, b]); }
  where(cond: string, a: string, b: string) { return this.op1('Where', [cond, a, b]); }
  identity(x: string) { return this.op1('Identity', [x]); }
  cast(x: string, to: ElemType = this.float) { return this.op1('Cast', [x], { to: ELEM_TYPE_CODE[to] }); }

  // Linear algebra
  matmul(a: string, b: string) { return this.op1('MatMul', [a, b]); }
  /** Y = alpha·op(A)·op(B) + beta·C */
  gemm(a: string, b: string, c: string | undefined, o: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}) {
    return this.op1('Gemm', c === undefined ? [a, b] : [a, b, c], {
      transA: o.transA ? 1 : undefined,
      transB: o.transB ? 1 : undefined,
      alpha: o.alpha === undefined ? undefined : floatAttr(o.alpha),
      beta: o.beta === undefined ? undefined : floatAttr(o.beta),
    });
  }

  // Reductions (opset 13+: axes are an input)
  reduceSum(x: string, axes: number[], keepdims = false) { return this.op1('ReduceSum', [x, this.ints(axes, 'axes')], { keepdims: keepdims ? 1 : 0 }); }
  reduceMean(x: string, axes: number[], keepdims = false) {
    // ReduceMean takes axes as an attribute until opset 18.
    return this.op1('ReduceMean', [x], { axes, keepdims: keepdims ? 1 : 0 });
  }

  // Shape and indexing
  gather(x: string, indices: string, axis = 0) { return this.op1('Gather', [x, indices], { axis }); }
  concat(xs: string[], axis: number) { return this.op1('Concat', xs, { axis }); }
  split(x: string, sizes: number[], axis: number) { return this.node('Split', [x, this.ints(sizes, 'split')], { axis }, sizes.length); }
  transpose(x: string, perm: number[]) { return this.op1('Transpose', [x], { perm }); }
  reshape(x: string, shape: number[]) { return this.op1('Reshape', [x, this.ints(shape, 'shape')]); }
  unsqueeze(x: string, axes: number[]) { return this.op1('Unsqueeze', [x, this.ints(axes, 'axes')]); }
  squeeze(x: string, axes: number[]) { return this.op1('Squeeze', [x, this.ints(axes, 'axes')]); }
  /** Pads with zeros: `pads` = [begin_0, begin_1, …, end_0, end_1, …]. */
  pad(x: string, pads: number[]) { return this.op1('Pad', [x, this.ints(pads, 'pads')]); }

  /** Serialises the graph as an ONNX model (IR 8). */
  build(o: BuildOptions = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: o.producer ?? 'driftprune',
      opsetImport: [{ domain: '', version: o.opset ?? 17 }],
      graph: { name: this.name, node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.initializers },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

// An integral float such as 1 must still be written as a FLOAT attribute.
const FLOAT_TAG = Symbol('float');
type FloatAttr = { [FLOAT_TAG]: number };
function floatAttr(v: number): Attr {
  return { [FLOAT_TAG]: v } as unknown as Attr;
}
function attribute_(name: string, value: Attr): onnxAttr {
  if (typeof value === 'object' && value !== null && FLOAT_TAG in (value as object)) {
    return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: (value as unknown as FloatAttr)[FLOAT_TAG] };
  }
  return attribute(name, value);
}
