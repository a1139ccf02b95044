// GET /export: the file of the GraphQL field exportRuns as a download, with the same arguments as query parameters
// (objects JSON-encoded), the same bearer token and project roles. A dashboard puts its filter, sort and grouping in
// its URL and hands the same values here.
//   /export?projectId=…&format=csv|json&view=runs|groups|compare&filter={"sweepId":"…"}&sort={"field":"CREATED_AT","direction":"ASC"}
//          &sortColumn=meanDeltaNEPct&groupBy=pruning.budget,paradigm.kind&runIds=<id>,<id>
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import { exportQuery } from '@driftprune/config';
import type { Db } from '@driftprune/db';
import type { Principal } from './auth.js';
import { isUuid } from './errors.js';
import { exportRuns } from './services/export.js';

/** An RFC 6266 attachment header for a server-made ASCII file name. */
const attachment = (name: string) => `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`;

export function mountExport(app: Express, db: Db, authenticate: (header: string | undefined) => Promise<Principal | null>, cors: RequestHandler, log: (m: string) => void) {
  app.options('/export', cors);
  app.get('/export', cors, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = await authenticate(req.headers.authorization);
      if (!principal) return void res.status(401).json({ error: 'an API token is required: send Authorization: Bearer <token>', code: 'UNAUTHENTICATED' });
      // a repeated parameter arrives as an array: refused like any other malformed value
      const q = exportQuery.safeParse(req.query);
      if (!q.success) {
        const issues = q.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
        return void res.status(400).json({ error: `invalid export query: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, code: 'BAD_USER_INPUT', reason: 'BAD_EXPORT_QUERY', issues });
      }
      const a = q.data;
      if (!isUuid(a.projectId) || !principal.roles.has(a.projectId)) return void res.status(404).json({ error: `project ${a.projectId} not found`, code: 'NOT_FOUND' });
      const file = await exportRuns(db, {
        projectId: a.projectId,
        format: a.format === 'json' ? 'JSON' : 'CSV',
        view: a.view.toUpperCase() as 'RUNS' | 'GROUPS' | 'COMPARE',
        filter: a.filter,
        sort: a.sort,
        sortColumn: a.sortColumn,
        groupBy: a.groupBy,
        runIds: a.runIds,
      });
      res.setHeader('content-type', file.contentType);
      res.setHeader('content-disposition', attachment(file.fileName));
      res.setHeader('x-rows', String(file.rows));
      res.setHeader('x-content-type-options', 'nosniff');
      res.send(file.content);
    } catch (e) {
      if (e instanceof GraphQLError && e.extensions?.code === 'BAD_USER_INPUT') return void res.status(400).json({ error: e.message, code: 'BAD_USER_INPUT', reason: e.extensions.reason ?? null });
      log(`export failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      next(e);
    }
  });
}
