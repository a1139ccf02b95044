// Which GraphQL requests may be answered from the response cache: a single query operation whose root fields all
// read project data that writers announce (see response-cache.ts), and that selects nothing whose value depends on
// the clock or on the caller's credentials (workers' liveness, API tokens, health).
import { getNamedType, Kind, parse, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/** Root query fields whose results change only through announced writes. */
export const CACHEABLE_ROOT_FIELDS = new Set(['projects', 'project', 'datasets', 'experiments', 'experiment', 'runs', 'run', 'runMetrics', 'sweeps', 'sweep']);
/** Types whose values depend on the clock or on credentials: a selection reaching them is never cached. */
export const UNCACHEABLE_TYPES = new Set(['Worker', 'ApiToken', 'Health', 'Viewer']);

export class CacheableQueries {
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxDocuments = 1_000,
  ) {}

  /** True when the operation `operationName` of `query` may be served from the cache. Malformed documents are not (Apollo reports them). */
  check(query: string, operationName: string | undefined): boolean {
    const key = `${operationName ?? ''}\n${query}`;
    let v = this.verdicts.get(key);
    if (v === undefined) {
      v = this.analyze(query, operationName);
      if (this.verdicts.size >= this.maxDocuments) this.verdicts.clear();
      this.verdicts.set(key, v);
    }
    return v;
  }

  private analyze(query: string, operationName: string | undefined): boolean {
    let doc: DocumentNode;
    try {
      doc = parse(query, { noLocation: true });
    } catch {
      return false;
    }
    const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
    if (!op || op.operation !== 'query') return false;
    let ok = true;
    const queryType = this.schema.getQueryType();
    const info = new TypeInfo(this.schema);
    // The chosen operation and the fragments it may spread; other operations in the document do not matter.
    const relevant = { ...doc, definitions: doc.definitions.filter((d) => d === op || d.kind === Kind.FRAGMENT_DEFINITION) };
    visit(
      relevant,
      visitWithTypeInfo(info, {
        Field(node) {
          const parent = info.getParentType();
          const def = info.getFieldDef();
          if (!def) return void (ok = false); // unknown field: let validation answer
          if (parent === queryType && !CACHEABLE_ROOT_FIELDS.has(node.name.value) && node.name.value !== '__typename') ok = false;
          if (UNCACHEABLE_TYPES.has(getNamedType(def.type).name)) ok = false;
        },
      }),
    );
    return ok;
  }
}
