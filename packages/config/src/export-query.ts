// The query of GET /export (apps/api): the arguments of the GraphQL field exportRuns as URL parameters, objects
// JSON-encoded, lists comma-separated, so that a dashboard URL's filter, sort and grouping can be handed over as they are.
import { z } from 'zod';

const text = z.string().max(200).refine((s) => !s.includes('\u0000'), 'contains a NUL byte');
const runFilter = z
  .object({
    status: z.array(z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'stopped'])).max(10).optional(),
    tags: z.array(text).max(20).optional(),
    experimentId: text.optional(),
    sweepId: text.optional(),
    paradigm: text.optional(),
    params: z.array(z.object({ path: text, equals: z.union([z.number(), z.string().max(200), z.boolean()]) }).strict()).max(20).optional(),
  })
  .strict();
const runSort = z.object({ field: z.enum(['CREATED_AT', 'STATUS', 'PROGRESS']).default('CREATED_AT'), direction: z.enum(['ASC', 'DESC']).default('DESC') }).strict();
const json = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .max(20_000)
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
const list = (max: number) =>
  z
    .string()
    .max(40 * max)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(text).max(max));

export const exportQuery = z
  .object({
    projectId: text,
    format: z.enum(['csv', 'json']).default('csv'),
    view: z.enum(['runs', 'groups', 'compare']).default('runs'),
    filter: json(runFilter).optional(),
    sort: json(runSort).optional(),
    sortColumn: text.optional(),
    groupBy: list(5).optional(),
    runIds: list(50).optional(),
  })
  .strict();

export type ExportQuery = z.infer<typeof exportQuery>;
