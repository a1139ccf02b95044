// PUT /datasets/:id/upload — a chunk of an upload in progress, streamed to the staging file (never buffered whole).
// Header `Upload-Offset: N` must equal the bytes staged so far; the answer is {receivedBytes}. On 409 the body says
// where to resume. Same bearer token as GraphQL; the editor role in the dataset's project.
import type { Express, Request, Response } from 'express';
import cors from 'cors';
import { GraphQLError } from 'graphql';
import { UploadError } from '@driftprune/datasets';
import { bearerToken, requireProject, type Principal } from '../auth.js';
import { isUuid } from '../errors.js';
import type { DatasetService } from './service.js';

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 };

export function mountDatasetUploads(app: Express, authenticate: (token: string | null) => Promise<Principal | null>, datasets: DatasetService, log: (m: string) => void): void {
  const path = '/datasets/:id/upload';
  app.options(path, cors());
  app.put(path, cors(), async (req: Request, res: Response) => {
    const fail = (status: number, code: string, error: string, extra: Record<string, unknown> = {}) => {
      // the rest of the body is not wanted; drain it so the client sees the answer instead of a reset
      req.resume();
      res.status(status).json({ error, code, ...extra });
    };
    try {
      const principal = await authenticate(bearerToken(req.headers.authorization));
      const id = String(req.params.id);
      const d = isUuid(id) ? await datasets.repo.byId(id) : null;
      try {
        requireProject(principal, d?.projectId ?? '-', 'editor');
      } catch (e) {
        const code = e instanceof GraphQLError ? String(e.extensions.code) : 'NOT_FOUND';
        // a dataset of a project the caller cannot see is "not found", like the project itself
        return fail(STATUS[code] ?? 404, code, code === 'NOT_FOUND' ? `dataset ${id} not found` : (e as Error).message);
      }
      if (!d) return fail(404, 'NOT_FOUND', `dataset ${id} not found`);
      if (d.status !== 'uploading') return fail(409, 'UPLOAD_DONE', `dataset ${d.name} is already complete`);
      const raw = req.headers['upload-offset'];
      const offset = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(offset)) return fail(400, 'BAD_USER_INPUT', 'send the header Upload-Offset: <bytes already uploaded>', { receivedBytes: await datasets.received(d) });
      const receivedBytes = await datasets.appendChunk(d, offset, req);
      res.json({ receivedBytes });
    } catch (e) {
      if (e instanceof UploadError) return fail(e.code === 'UPLOAD_TOO_LARGE' ? 413 : 409, e.code, e.message, { receivedBytes: e.receivedBytes });
      log(`upload failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) fail(500, 'INTERNAL_SERVER_ERROR', 'internal server error');
    }
  });
}
