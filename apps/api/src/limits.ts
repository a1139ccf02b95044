// Query depth and complexity limits, checked before execution (HTTP and WebSocket alike).
// Complexity: every field costs 1; a list field's subtree is multiplied by the page size it asks for
// (`first`, or `maxPoints` for metric series), using the schema default when the argument is absent.
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

export interface Limits {
  maxDepth: number;
  maxComplexity: number;
}

export const DEFAULT_LIMITS: Limits = { maxDepth: 10, maxComplexity: 50_000 };

const SIZE_ARGS: Record<string, number> = { first: 20, maxPoints: 500 };

function argValue(v: ValueNode, variables: Record<string, unknown>): unknown {
  if (v.kind === Kind.VARIABLE) return variables[v.name.value];
  if (v.kind === Kind.INT) return Number(v.value);
  return undefined;
}

export interface QueryCost {
  depth: number;
  complexity: number;
}

export function measure(doc: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> = {}): QueryCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const ops: OperationDefinitionNode[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) ops.push(d);
  }
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return { depth: 0, complexity: 0 };
  let maxDepth = 0;
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
    let cost = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value.startsWith('__')) continue;
        const d = depth + 1;
        if (d > maxDepth) maxDepth = d;
        let mult = 1;
        for (const a of s.arguments ?? []) {
          if (a.name.value in SIZE_ARGS) {
            const v = argValue(a.value, variables);
            mult = typeof v === 'number' && v > 0 ? v : SIZE_ARGS[a.name.value];
          }
        }
        if (mult === 1 && (s.name.value === 'metrics' || s.name.value === 'runMetrics')) mult = SIZE_ARGS.maxPoints;
        cost += 1 + (s.selectionSet ? mult * walk(s.selectionSet, d, seen) : 0);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        cost += walk(s.selectionSet, depth, seen);
      } else {
        const name = s.name.value;
        const f = fragments.get(name);
        if (!f || seen.has(name)) continue; // cycles are rejected by GraphQL validation
        cost += walk(f.selectionSet, depth, new Set([...seen, name]));
      }
    }
    return cost;
  };
  const complexity = walk(op.selectionSet, 0, new Set());
  return { depth: maxDepth, complexity };
}

/** Throws a GRAPHQL_VALIDATION_FAILED error when the operation is too deep or too expensive. */
export function enforceLimits(doc: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, limits: Limits = DEFAULT_LIMITS): void {
  const { depth, complexity } = measure(doc, operationName, variables ?? {});
  if (depth > limits.maxDepth)
    throw new GraphQLError(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', depth, limit: limits.maxDepth } });
  if (complexity > limits.maxComplexity)
    throw new GraphQLError(`query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}; ask for smaller pages (first, maxPoints)`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', complexity, limit: limits.maxComplexity },
    });
}
