// Where artifacts (ONNX models, checkpoints, reports) live: a directory (default) or an S3-compatible bucket.
// Every put returns the sha256 and size of the bytes as written, which the caller records in the Artifact table.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { S3Client, type S3Options } from './s3.js';

export interface StoredObject {
  key: string;
  sha256: string;
  sizeBytes: number;
}

/** An object in the store, as listed. */
export interface ListedObject {
  key: string;
  sizeBytes: number;
  modifiedAt: Date;
}

/** A run's folder in the store: projects/<projectId>/runs/<runId> (runArtifactPrefix). */
export interface RunPrefix {
  projectId: string;
  runId: string;
  prefix: string;
}

export interface ArtifactStore {
  /** Human-readable location, e.g. file:/abs/dir or s3://bucket/prefix. */
  readonly url: string;
  putFile(key: string, localPath: string): Promise<StoredObject>;
  putBytes(key: string, bytes: Uint8Array): Promise<StoredObject>;
  get(key: string): Promise<Buffer>;
  /** Copies an object to a local file (creating folders), streaming; the sha256 and size of what was written. */
  download(key: string, localPath: string): Promise<{ sha256: string; sizeBytes: number }>;
  /** The object's size, or null when there is none. */
  head(key: string): Promise<{ sizeBytes: number } | null>;
  /** Creates the store's folder or bucket when missing (deployment setup). */
  ensureReady(): Promise<void>;
  /** Removes every object whose key starts with `prefix` (a run's folder on hard delete). */
  deletePrefix(prefix: string): Promise<number>;
  /** Every object under a folder-like prefix (`a/b` lists `a/b/…`, never `a/bc`), with size and modification time. */
  list(prefix: string): Promise<ListedObject[]>;
  /** The run folders present in the store (for the orphan sweep, orphans.ts), whether or not their run still exists. */
  listRunPrefixes(): Promise<RunPrefix[]>;
}

export async function sha256File(path: string): Promise<{ sha256: string; sizeBytes: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), sizeBytes: size };
}

function checkKey(key: string): string {
  if (!key || key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '')) throw new Error(`invalid artifact key "${key}"`);
  return key;
}

export class DirectoryStore implements ArtifactStore {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get url() {
    return `file:${this.root}`;
  }
  private path(key: string) {
    return join(this.root, ...checkKey(key).split('/'));
  }
  async putFile(key: string, localPath: string): Promise<StoredObject> {
    const dest = this.path(key);
    await mkdir(dirname(dest), { recursive: true });
    if (resolve(localPath) !== dest) await copyFile(localPath, dest);
    return { key, ...(await sha256File(dest)) };
  }
  async putBytes(key: string, bytes: Uint8Array): Promise<StoredObject> {
    const dest = this.path(key);
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, bytes);
    return { key, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length };
  }
  get(key: string) {
    return readFile(this.path(key));
  }
  async download(key: string, localPath: string) {
    await mkdir(dirname(localPath), { recursive: true });
    await copyFile(this.path(key), localPath);
    return sha256File(localPath);
  }
  async head(key: string) {
    const st = await stat(this.path(key)).catch(() => null);
    return st?.isFile() ? { sizeBytes: st.size } : null;
  }
  async ensureReady() {
    await mkdir(this.root, { recursive: true });
  }
  async deletePrefix(prefix: string): Promise<number> {
    const p = this.path(prefix.replace(/\/+$/, ''));
    if (!p.startsWith(this.root + sep) || !existsSync(p)) return 0;
    const count = (await stat(p)).isDirectory() ? (await readdir(p, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length : 1;
    await rm(p, { recursive: true, force: true });
    return count;
  }
  async list(prefix: string): Promise<ListedObject[]> {
    const p = this.path(prefix.replace(/\/+$/, ''));
    // A run's worker writes and replaces files (checkpoints) while others list them (the orphan sweep, the API, tests):
    // a file or folder gone between readdir and stat was deleted meanwhile and is simply not listed.
    const st = await stat(p).catch(ignoreMissing);
    if (!st?.isDirectory()) return [];
    const out: ListedObject[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true }).catch(ignoreMissing)) ?? [];
      await Promise.all(
        entries.map(async (e) => {
          const abs = join(dir, e.name);
          if (e.isDirectory()) return walk(abs);
          if (!e.isFile()) return;
          const fst = await stat(abs).catch(ignoreMissing);
          if (fst) out.push({ key: relative(this.root, abs).split(sep).join('/'), sizeBytes: fst.size, modifiedAt: fst.mtime });
        }),
      );
    };
    await walk(p);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  async listRunPrefixes(): Promise<RunPrefix[]> {
    const out: RunPrefix[] = [];
    for (const projectId of await subfolders(join(this.root, 'projects')))
      for (const runId of await subfolders(join(this.root, 'projects', projectId, 'runs'))) out.push({ projectId, runId, prefix: runArtifactPrefix(projectId, runId) });
    return out;
  }
}

/** A file or folder that vanished meanwhile (ENOENT) reads as absent; every other error is thrown. */
function ignoreMissing(e: NodeJS.ErrnoException): null {
  if (e.code === 'ENOENT') return null;
  throw e;
}

async function subfolders(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
}

export class S3Store implements ArtifactStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}
  get url() {
    return `s3://${this.bucket}/${this.prefix}`;
  }
  /** The store's own prefix in the bucket, with its trailing slash ('' for the whole bucket). */
  private get bucketPrefix() {
    return this.prefix ? this.prefix.replace(/\/+$/, '') + '/' : '';
  }
  private full(key: string) {
    return this.bucketPrefix + checkKey(key);
  }
  async putFile(key: string, localPath: string): Promise<StoredObject> {
    // hashed and sent from the file, a part at a time: a dataset of many GB never sits in memory
    const meta = await sha256File(localPath);
    await this.s3.putObjectFile(this.bucket, this.full(key), localPath);
    return { key, ...meta };
  }
  async putBytes(key: string, bytes: Uint8Array): Promise<StoredObject> {
    await this.s3.putObject(this.bucket, this.full(key), bytes);
    return { key, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length };
  }
  get(key: string) {
    return this.s3.getObject(this.bucket, this.full(key));
  }
  async download(key: string, localPath: string) {
    await mkdir(dirname(localPath), { recursive: true });
    return this.s3.downloadObject(this.bucket, this.full(key), localPath);
  }
  head(key: string) {
    return this.s3.headObject(this.bucket, this.full(key)).then((h) => (h ? { sizeBytes: h.size } : null));
  }
  ensureReady() {
    return this.s3.ensureBucket(this.bucket);
  }
  /** The bucket and the store's own prefix in it (data roots may not overlap them). */
  get location() {
    return { bucket: this.bucket, key: this.prefix.replace(/\/+$/, '') };
  }
  async deletePrefix(prefix: string): Promise<number> {
    // a folder-like prefix: runs/r1 must not also match runs/r10
    const keys = await this.s3.listKeys(this.bucket, this.full(prefix.replace(/\/+$/, '')) + '/');
    for (const k of keys) await this.s3.deleteObject(this.bucket, k);
    return keys.length;
  }
  async list(prefix: string): Promise<ListedObject[]> {
    const objects = await this.s3.listObjects(this.bucket, this.full(prefix.replace(/\/+$/, '')) + '/');
    return objects.map((o) => ({ key: o.key.slice(this.bucketPrefix.length), sizeBytes: o.size, modifiedAt: o.lastModified }));
  }
  async listRunPrefixes(): Promise<RunPrefix[]> {
    // ListObjectsV2 with a delimiter: one entry per folder, not per object (a run may hold hundreds of files)
    const projects = this.full('projects') + '/';
    const out: RunPrefix[] = [];
    for (const p of await this.s3.listCommonPrefixes(this.bucket, projects, '/')) {
      const projectId = p.slice(projects.length).replace(/\/$/, '');
      const runs = `${projects}${projectId}/runs/`;
      for (const r of await this.s3.listCommonPrefixes(this.bucket, runs, '/')) {
        const runId = r.slice(runs.length).replace(/\/$/, '');
        out.push({ projectId, runId, prefix: runArtifactPrefix(projectId, runId) });
      }
    }
    return out;
  }
}

export interface StoreEnv {
  ARTIFACT_STORE: string;
  S3_ENDPOINT?: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
}

/** The S3 client of the deployment's S3_* settings (the store's, also used for s3:// datasets). */
export function s3ClientFromEnv(env: StoreEnv, why = 's3:// needs credentials'): S3Client {
  if (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY) throw new Error(`${why} but S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY are not set`);
  const opts: S3Options = {
    endpoint: env.S3_ENDPOINT ?? `https://s3.${env.S3_REGION}.amazonaws.com`,
    region: env.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  };
  return new S3Client(opts);
}

/** `file:DIR` (relative to `cwd`), a bare path, or `s3://bucket/prefix` (needs S3_* credentials). */
export function createArtifactStore(env: StoreEnv, cwd = process.cwd()): ArtifactStore {
  const spec = env.ARTIFACT_STORE;
  if (spec.startsWith('s3://')) {
    const [bucket, ...rest] = spec.slice(5).split('/');
    if (!bucket) throw new Error('ARTIFACT_STORE=s3://BUCKET[/PREFIX] needs a bucket name');
    return new S3Store(s3ClientFromEnv(env, 'ARTIFACT_STORE is s3://…'), bucket, rest.join('/'));
  }
  const dir = spec.startsWith('file:') ? spec.slice(5) : spec;
  return new DirectoryStore(isAbsolute(dir) ? dir : resolve(cwd, dir));
}

/** Store keys of a run's artifacts: projects/<project>/runs/<run>/<name>. Deleting the prefix deletes them all. */
export function runArtifactPrefix(projectId: string, runId: string): string {
  return `projects/${projectId}/runs/${runId}`;
}

export function runArtifactKey(projectId: string, runId: string, name: string): string {
  return `${runArtifactPrefix(projectId, runId)}/${name.replace(/^\/+/, '')}`;
}
