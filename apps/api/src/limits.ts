// Query limits, checked before execution (HTTP and WebSocket alike): size in tokens (at parse, which bounds the
// work of validation too), depth, complexity, aliases and introspection.
// Complexity: every field costs 1, introspection (`__`) fields included; a list field's subtree is multiplied by the
// page size it asks for (`first`, or `maxPoints` for metric series), using the schema default when the argument is
// absent. Fragments are measured once each (a chain of fragments that each spread the next twice would otherwise
// take exponential time to measure).
import { BREAK, GraphQLError, Kind, visit, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

export interface Limits {
  maxDepth: number;
  maxComplexity: number;
  /** Aliased fields in an operation (a fragment's count wherever it is spread): aliases multiply work per byte sent. */
  maxAliases: number;
  /** `__schema` and `__type` fields per operation: each answers with a large part of the schema. */
  maxIntrospection: number;
  /** Lexical tokens per document, enforced by the parser; the dashboard's largest query has about 160. */
  maxTokens: number;
}

export const DEFAULT_LIMITS: Limits = { maxDepth: 10, maxComplexity: 50_000, maxAliases: 30, maxIntrospection: 2, maxTokens: 2_000 };

const SIZE_ARGS: Record<string, number> = { first: 20, maxPoints: 500 };
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

function argValue(v: ValueNode, variables: Record<string, unknown>): unknown {
  if (v.kind === Kind.VARIABLE) return variables[v.name.value];
  if (v.kind === Kind.INT) return Number(v.value);
  return undefined;
}

export interface QueryCost {
  depth: number;
  complexity: number;
  aliases: number;
  /** `__schema` and `__type` fields (the introspection entry points; `__typename` is not one). */
  introspection: number;
}

/** The cost of a selection set; depth is relative to the set's parent. */
type SetCost = QueryCost;

const ZERO: SetCost = { depth: 0, complexity: 0, aliases: 0, introspection: 0 };

export function measure(doc: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> = {}): QueryCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const ops: OperationDefinitionNode[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) ops.push(d);
  }
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return { ...ZERO };
  const fragmentCosts = new Map<string, SetCost>();

  const multiplier = (f: FieldNode): number => {
    let mult = 1;
    for (const a of f.arguments ?? []) {
      if (a.name.value in SIZE_ARGS) {
        const v = argValue(a.value, variables);
        mult = typeof v === 'number' && v > 0 ? v : SIZE_ARGS[a.name.value];
      }
    }
    if (mult === 1 && (f.name.value === 'metrics' || f.name.value === 'runMetrics')) mult = SIZE_ARGS.maxPoints;
    return mult;
  };

  // Depth is not counted inside an introspection subtree: its shape is the schema's (ofType chains run deep), and
  // its size is bounded by maxIntrospection and maxTokens.
  const walk = (set: SelectionSetNode, inIntrospection: boolean, fragmentTrail: ReadonlySet<string>): SetCost => {
    const total = { ...ZERO };
    const add = (c: SetCost) => {
      total.depth = Math.max(total.depth, c.depth);
      total.complexity += c.complexity;
      total.aliases += c.aliases;
      total.introspection += c.introspection;
    };
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const root = INTROSPECTION_ROOTS.has(s.name.value);
        const inner = s.selectionSet ? walk(s.selectionSet, inIntrospection || root, fragmentTrail) : ZERO;
        const mult = multiplier(s);
        add({ depth: inIntrospection ? 0 : 1 + inner.depth, complexity: 1 + mult * inner.complexity, aliases: (s.alias ? 1 : 0) + inner.aliases, introspection: (root ? 1 : 0) + inner.introspection });
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        add(walk(s.selectionSet, inIntrospection, fragmentTrail));
      } else {
        const name = s.name.value;
        const f = fragments.get(name);
        if (!f || fragmentTrail.has(name)) continue; // cycles are rejected by GraphQL validation
        const key = `${name}|${inIntrospection}`;
        let c = fragmentCosts.get(key);
        if (!c) {
          c = walk(f.selectionSet, inIntrospection, new Set([...fragmentTrail, name]));
          fragmentCosts.set(key, c);
        }
        add(c);
      }
    }
    return total;
  };
  return walk(op.selectionSet, false, new Set());
}

/** Which limit an operation broke (`extensions.reason`). */
export type LimitReason = 'DEPTH_LIMIT' | 'COMPLEXITY_LIMIT' | 'ALIAS_LIMIT' | 'INTROSPECTION_LIMIT';

/** BAD_USER_INPUT with the broken limit as `reason`, the measured value and `limit`; HTTP 400 (not a server fault). */
const overLimit = (reason: LimitReason, message: string, value: number, limit: number) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason, value, limit, http: { status: 400 } } });

/** Throws a BAD_USER_INPUT error (reason: which limit) when the operation is too deep, too expensive or too repetitive. */
export function enforceLimits(doc: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, limits: Limits = DEFAULT_LIMITS): QueryCost {
  const cost = measure(doc, operationName, variables ?? {});
  const { depth, complexity, aliases, introspection } = cost;
  if (depth > limits.maxDepth) throw overLimit('DEPTH_LIMIT', `query depth ${depth} exceeds the limit of ${limits.maxDepth}`, depth, limits.maxDepth);
  if (complexity > limits.maxComplexity)
    throw overLimit('COMPLEXITY_LIMIT', `query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}; ask for smaller pages (first, maxPoints)`, complexity, limits.maxComplexity);
  if (aliases > limits.maxAliases) throw overLimit('ALIAS_LIMIT', `the query has ${aliases} aliased fields; the limit is ${limits.maxAliases}`, aliases, limits.maxAliases);
  if (introspection > limits.maxIntrospection)
    throw overLimit('INTROSPECTION_LIMIT', `the query asks for __schema/__type ${introspection} times; the limit is ${limits.maxIntrospection}`, introspection, limits.maxIntrospection);
  return cost;
}

/** The parser's option that bounds a document's size (and with it the work of validating it). */
export const parseOptions = (limits: Limits) => ({ maxTokens: limits.maxTokens });

/**
 * Where a NUL character occurs in the operation's string literals or variables (keys included), or null. Postgres
 * text and jsonb cannot hold one, so such input is refused here rather than failing in the database.
 */
export function findNulByte(doc: DocumentNode, variables: Record<string, unknown> | undefined): string | null {
  let found: string | null = null;
  visit(doc, {
    StringValue(node) {
      if (node.value.includes('\u0000')) {
        found = 'a string in the query';
        return BREAK;
      }
    },
  });
  if (found) return found;
  // Iterative: variables can nest as deep as JSON allows.
  const stack: { value: unknown; path: string }[] = [{ value: variables ?? {}, path: '$' }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return `variable ${path}`;
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k.includes('\u0000')) return `a key in variable ${path}`;
        stack.push({ value: v, path: Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}` });
      }
    }
  }
  return null;
}
