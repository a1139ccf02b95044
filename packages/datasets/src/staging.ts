// Uploads in progress, staged on the API's disk as UPLOAD_DIR/<dataset id>/<file name>. A chunk is appended only at
// the offset the staged file has reached, so a client that lost its connection asks for the offset and goes on
// from there (resumable); a stream cut midway keeps the bytes that arrived (they are the file's next bytes). One
// chunk at a time per upload.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export type UploadErrorCode = 'UPLOAD_OFFSET_MISMATCH' | 'UPLOAD_TOO_LARGE' | 'UPLOAD_BUSY' | 'UPLOAD_INCOMPLETE' | 'UPLOAD_HASH_MISMATCH';

export class UploadError extends Error {
  constructor(
    readonly code: UploadErrorCode,
    message: string,
    /** Bytes staged so far (where the client must resume). */
    readonly receivedBytes: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

const ID = /^[0-9a-f-]{36}$/;

export class UploadStaging {
  private readonly busy = new Set<string>();

  constructor(readonly dir: string) {}

  private folder(datasetId: string): string {
    if (!ID.test(datasetId)) throw new Error(`not a dataset id: ${datasetId}`);
    return join(this.dir, datasetId);
  }

  /** The staged file's path (its folder is created). */
  async path(datasetId: string, fileName: string): Promise<string> {
    const folder = this.folder(datasetId);
    await mkdir(folder, { recursive: true });
    return join(folder, fileName);
  }

  /** Bytes staged so far. */
  async received(datasetId: string, fileName: string): Promise<number> {
    const st = await stat(join(this.folder(datasetId), fileName)).catch(() => null);
    return st?.size ?? 0;
  }

  /**
   * Appends `body` at `offset`, which must be where the staged file ends; never past `totalBytes`. Returns the bytes
   * staged after it. A body that breaks off keeps what arrived; one that would pass `totalBytes` is cut back.
   */
  async append(datasetId: string, fileName: string, offset: number, body: Readable, totalBytes: number): Promise<number> {
    if (this.busy.has(datasetId)) throw new UploadError('UPLOAD_BUSY', 'another chunk of this upload is being received; send chunks one at a time', await this.received(datasetId, fileName));
    this.busy.add(datasetId);
    const path = await this.path(datasetId, fileName);
    try {
      const have = await this.received(datasetId, fileName);
      if (offset !== have) throw new UploadError('UPLOAD_OFFSET_MISMATCH', `this upload has ${have} bytes; send the chunk that starts there (got offset ${offset})`, have);
      // chunk by chunk, each written before the next is read: when the connection breaks, every byte that arrived is
      // on disk (a stream pipeline would drop what sat in its buffers)
      const fh = await open(path, have ? 'r+' : 'w');
      let written = have;
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (written + chunk.length > totalBytes) {
            await fh.truncate(have);
            throw new UploadError('UPLOAD_TOO_LARGE', `the upload was declared as ${totalBytes} bytes; this chunk goes past it`, have);
          }
          await fh.write(chunk, 0, chunk.length, written);
          written += chunk.length;
        }
      } catch (e) {
        if (e instanceof UploadError) throw e;
        // the connection broke: what arrived is the file's next bytes; the client resumes from there
      } finally {
        await fh.close();
      }
      return this.received(datasetId, fileName);
    } finally {
      this.busy.delete(datasetId);
    }
  }

  /** The staged file once complete and hashing to `sha256`; otherwise an UploadError (a wrong hash drops the bytes). */
  async verify(datasetId: string, fileName: string, totalBytes: number, sha256: string): Promise<string> {
    const path = join(this.folder(datasetId), fileName);
    const have = await this.received(datasetId, fileName);
    if (have !== totalBytes) throw new UploadError('UPLOAD_INCOMPLETE', `the upload has ${have} of ${totalBytes} bytes`, have);
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    const got = h.digest('hex');
    if (got !== sha256) {
      await this.remove(datasetId);
      throw new UploadError('UPLOAD_HASH_MISMATCH', `the uploaded bytes hash to ${got}, not the declared ${sha256}; they were dropped: upload again`, 0);
    }
    return path;
  }

  async remove(datasetId: string): Promise<void> {
    await rm(this.folder(datasetId), { recursive: true, force: true });
  }

  /** Staging folders untouched for `minAgeMs` with no dataset row waiting for them (e.g. rows deleted while the API was down). */
  async strays(minAgeMs: number, known: (ids: string[]) => Promise<Set<string>>): Promise<string[]> {
    const ids: string[] = [];
    for (const n of await readdir(this.dir).catch(() => [] as string[])) {
      if (!ID.test(n)) continue;
      const st = await stat(join(this.dir, n)).catch(() => null);
      if (st && Date.now() - st.mtimeMs >= minAgeMs) ids.push(n);
    }
    const live = ids.length ? await known(ids) : new Set<string>();
    return ids.filter((id) => !live.has(id));
  }
}
