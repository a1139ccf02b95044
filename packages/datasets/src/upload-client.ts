// The client side of a dataset upload (the CLI's `dataset push`, tests, scripts): hash the file, begin the upload
// (which resumes one with the same name, size and sha256), PUT it in chunks from where the server got to — after a
// broken connection it asks again and goes on — then complete it. The file streams from disk; memory stays small.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';

/** The API answered with an error (its code and message), or the upload could not go on. */
export class UploadClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadClientError';
  }
}

export interface UploadedDataset {
  id: string;
  name: string;
  kind: string;
  status: string;
  sha256: string | null;
  sizeBytes: number | null;
  receivedBytes: number | null;
  uploadPath: string | null;
  stats: { totals?: { rows?: number; windows?: number } } | null;
}

const FIELDS = 'id name kind status fileName sha256 sizeBytes receivedBytes uploadPath statsWindow stats';
const BEGIN = `mutation Begin($input: BeginDatasetUploadInput!) { beginDatasetUpload(input: $input) { ${FIELDS} } }`;
const COMPLETE = `mutation Complete($id: ID!) { completeDatasetUpload(id: $id) { ${FIELDS} } }`;
const RECEIVED = `query Received($id: ID!) { dataset(id: $id) { receivedBytes status } }`;

async function gql<T>(api: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  } catch (e) {
    throw new UploadClientError(`cannot reach ${api}: ${e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e)}`);
  }
  const text = await res.text();
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new UploadClientError(`${api} answered HTTP ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new UploadClientError(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  if (!body.data) throw new UploadClientError(`${api} answered HTTP ${res.status} without data`);
  return body.data;
}

export async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

type ChunkAnswer = { status: number; body: { receivedBytes?: number; error?: string; code?: string } };

/** One chunk: PUT url with Upload-Offset, the file's bytes [start, end) streamed as the body. */
function putChunk(url: URL, token: string, file: string, start: number, end: number): Promise<ChunkAnswer> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'upload-offset': String(start), 'content-type': 'application/octet-stream', 'content-length': String(end - start) },
    });
    req.on('response', (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: { error: text.slice(0, 200) } });
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = createReadStream(file, { start, end: end - 1 });
    body.on('error', (e) => req.destroy(e));
    body.pipe(req);
  });
}

export interface PushOptions {
  /** The GraphQL endpoint; the upload path is resolved against its origin. */
  api: string;
  token: string;
  projectId: string;
  file: string;
  /** Default: the file's name. */
  name?: string;
  kind: string;
  mapping?: unknown;
  statsWindow?: string;
  /** Default 8 MiB. */
  chunkBytes?: number;
  log?: (m: string) => void;
  /** Consecutive failed attempts (broken connections, server errors) before giving up (default 5). */
  retries?: number;
}

/** Uploads a file as a dataset and returns it once ready; running it again after a failure resumes the upload. */
export async function pushDataset(o: PushOptions): Promise<UploadedDataset> {
  const log = o.log ?? (() => {});
  const size = (await stat(o.file)).size;
  const chunk = o.chunkBytes ?? 8 * 2 ** 20;
  log(`hashing ${o.file} (${size} bytes)`);
  const sha256 = await sha256OfFile(o.file);
  const begin = await gql<{ beginDatasetUpload: UploadedDataset }>(o.api, o.token, BEGIN, {
    input: { projectId: o.projectId, name: o.name ?? basename(o.file), kind: o.kind, mapping: o.mapping ?? null, fileName: basename(o.file), sizeBytes: size, sha256, statsWindow: o.statsWindow ?? null },
  });
  const d = begin.beginDatasetUpload;
  let offset = d.receivedBytes ?? 0;
  if (offset > 0) log(`resuming at byte ${offset} of ${size}`);
  const url = new URL(d.uploadPath!, o.api);
  let failures = 0;
  while (offset < size) {
    const end = Math.min(size, offset + chunk);
    let r: ChunkAnswer | null = null;
    try {
      r = await putChunk(url, o.token, o.file, offset, end);
    } catch (e) {
      log(`chunk at ${offset}: ${(e as Error).message}`);
    }
    if (r && r.status === 200 && typeof r.body.receivedBytes === 'number') {
      offset = r.body.receivedBytes;
      failures = 0;
      log(`${offset} / ${size} bytes`);
      continue;
    }
    if (r && r.status === 409 && r.body.code === 'UPLOAD_OFFSET_MISMATCH' && typeof r.body.receivedBytes === 'number') {
      offset = r.body.receivedBytes;
      continue;
    }
    if (r && r.status >= 400 && r.status < 500 && r.status !== 409) throw new UploadClientError(`upload refused: HTTP ${r.status} ${r.body.code ?? ''}: ${r.body.error ?? ''}`);
    if (++failures > (o.retries ?? 5)) throw new UploadClientError(`upload stopped at byte ${offset} of ${size} after ${failures} failed attempts; run the same command again to resume`);
    await new Promise((res) => setTimeout(res, Math.min(10_000, 250 * 2 ** failures)));
    // where the server got to (a broken connection may have delivered part of the chunk)
    const now = await gql<{ dataset: { receivedBytes: number | null } | null }>(o.api, o.token, RECEIVED, { id: d.id }).catch(() => null);
    if (typeof now?.dataset?.receivedBytes === 'number') offset = now.dataset.receivedBytes;
  }
  log('verifying and computing stats on the server');
  return (await gql<{ completeDatasetUpload: UploadedDataset }>(o.api, o.token, COMPLETE, { id: d.id })).completeDatasetUpload;
}
