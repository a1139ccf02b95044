// Datasets on the API: uploads (begin → PUT chunks → complete: sha256 checked, content into the store, stats),
// s3:// registrations under a data root, deletion, and binding a run config's data.dataset to a ready dataset of the
// same project. Every failure is a coded GraphQL error and leaves nothing behind.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { csvMapping, parseConfig, windowRule, type ExperimentConfig } from '@driftprune/config';
import { DataError } from '@driftprune/data';
import {
  computeDatasetStats,
  datasetMapping,
  DataRoots,
  defaultStatsWindow,
  parseS3Uri,
  safeFileName,
  UPLOADABLE_KINDS,
  UploadError,
  UploadStaging,
  type UploadableKind,
} from '@driftprune/datasets';
import { datasetStoreKey, DatasetRepository, isUniqueViolation, type ArtifactStore, type Dataset, type Db, type S3Client } from '@driftprune/db';
import { apiError, badInput, notFound, validated } from '../errors.js';

export interface DatasetServiceOptions {
  db: Db;
  store: ArtifactStore;
  roots: DataRoots;
  uploadDir: string;
  maxBytes: number;
  /** The deployment's S3 client (s3:// datasets); null when S3_* is not configured. */
  s3: (() => S3Client) | null;
  log?: (m: string) => void;
}

export interface BeginUpload {
  projectId: string;
  name: string;
  kind: string;
  mapping?: unknown;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  statsWindow?: string | null;
}

const SHA256 = /^[0-9a-f]{64}$/;

function isUnique(e: unknown): boolean {
  return isUniqueViolation(e);
}

export class DatasetService {
  readonly repo: DatasetRepository;
  readonly staging: UploadStaging;
  constructor(private readonly o: DatasetServiceOptions) {
    this.repo = new DatasetRepository(o.db);
    this.staging = new UploadStaging(o.uploadDir);
  }

  get maxBytes() {
    return this.o.maxBytes;
  }

  private checkName(name: string): string {
    const n = name.trim();
    if (!n || n.length > 200) throw badInput('name must be 1..200 characters');
    return n;
  }

  /** Kind, csv mapping and stats window of a dataset with content, validated. */
  private describe(kind: string, mapping: unknown, statsWindow: string | null | undefined) {
    if (!(UPLOADABLE_KINDS as readonly string[]).includes(kind))
      throw badInput(`kind must be one of ${UPLOADABLE_KINDS.join(', ')} for a dataset with content (MovieLens needs several files side by side: put it under a data root and use data.path)`);
    const m = kind === 'csv' ? validated(() => datasetMapping(kind, mapping)) : null;
    if (kind !== 'csv' && mapping != null) throw badInput(`mapping is for csv datasets; ${kind} has a fixed layout`);
    const window = statsWindow ? validated(() => parseConfig(windowRule, statsWindow, 'statsWindow')) : defaultStatsWindow(kind, m);
    return { kind: kind as UploadableKind, mapping: m, window };
  }

  private checkSize(sizeBytes: number) {
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1) throw badInput('sizeBytes must be a positive integer');
    if (sizeBytes > this.o.maxBytes)
      throw badInput(`the dataset is ${sizeBytes} bytes; the limit is ${this.o.maxBytes} bytes (DATASET_MAX_MB)`, [{ path: 'sizeBytes', message: 'too large' }]);
  }

  /**
   * A new upload, or the same one again (same name, size and sha256, still uploading): then the client resumes at
   * `receivedBytes`. Any other dataset of that name is a conflict.
   */
  async begin(input: BeginUpload, userId: string): Promise<Dataset> {
    const name = this.checkName(input.name);
    const d = this.describe(input.kind, input.mapping, input.statsWindow);
    this.checkSize(input.sizeBytes);
    if (!SHA256.test(input.sha256)) throw badInput('sha256 must be 64 lowercase hex digits');
    const fileName = safeFileName(input.fileName);
    const existing = await this.repo.byName(input.projectId, name);
    if (existing) {
      if (existing.status === 'uploading' && existing.sha256 === input.sha256 && Number(existing.sizeBytes) === input.sizeBytes && existing.kind === d.kind) return existing;
      throw badInput(`a dataset named "${name}" already exists in this project${existing.status === 'uploading' ? ' (an upload of other content)' : ''}`);
    }
    try {
      return await this.repo.beginUpload({ projectId: input.projectId, name, kind: d.kind, mapping: d.mapping, fileName, createdById: userId, sha256: input.sha256, sizeBytes: input.sizeBytes, statsWindow: d.window });
    } catch (e) {
      if (isUnique(e)) throw badInput(`a dataset named "${name}" already exists in this project`);
      throw e;
    }
  }

  /** Bytes staged so far for an upload in progress. */
  received(d: Dataset): Promise<number> {
    return this.staging.received(d.id, d.fileName ?? 'data');
  }

  /** Appends a chunk (HTTP PUT); UploadError on a wrong offset, a chunk past the declared size, or a busy upload. */
  async appendChunk(d: Dataset, offset: number, body: Readable): Promise<number> {
    const n = await this.staging.append(d.id, d.fileName ?? 'data', offset, body, Number(d.sizeBytes));
    await this.repo.touch(d.id);
    return n;
  }

  /** Size and sha256 checked, stats computed, content stored: the dataset is ready. */
  async complete(d: Dataset): Promise<Dataset> {
    if (d.status === 'ready') return d;
    const fileName = d.fileName ?? 'data';
    let path: string;
    try {
      path = await this.staging.verify(d.id, fileName, Number(d.sizeBytes), d.sha256!);
    } catch (e) {
      if (e instanceof UploadError) throw apiError('BAD_USER_INPUT', e.message, { reason: e.code, receivedBytes: e.receivedBytes });
      throw e;
    }
    const stats = await this.statsOf(d.kind as UploadableKind, datasetMapping(d.kind, d.mapping), path, d.statsWindow!, d.name, async () => {
      // content the sources reject will not get better: the upload is dropped and the name is free again
      await this.repo.remove(d.id);
      await this.staging.remove(d.id);
    });
    const key = datasetStoreKey(d.projectId, d.sha256!);
    await this.o.store.putFile(key, path);
    const ready = await this.repo.completeUpload(d.id, { storeKey: key, stats });
    await this.staging.remove(d.id);
    if (!ready) {
      // deleted meanwhile: the object goes too unless another dataset of the project has the same bytes
      if (!(await this.repo.countWithStoreKey(d.projectId, key))) await this.o.store.deletePrefix(key).catch(() => 0);
      throw notFound('dataset', d.id);
    }
    // a concurrent delete of another dataset with the same bytes may have removed the object after our put
    if (!(await this.o.store.head(key))) await this.o.store.putFile(key, path).catch(() => null);
    return ready;
  }

  /** The stats, or BAD_USER_INPUT with the data error's code; the staged path never appears in the message. */
  private async statsOf(kind: UploadableKind, mapping: ReturnType<typeof datasetMapping>, path: string, window: string, name: string, onDataError: () => Promise<void>) {
    try {
      return await computeDatasetStats(kind, mapping, path, window);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      await onDataError();
      throw apiError('BAD_USER_INPUT', `dataset "${name}" cannot be read as ${kind}: ${e.message.split(path).join(name)}`, { reason: e.code });
    }
  }

  /** An s3:// object under a data root: fetched once here to hash and measure it; workers fetch it by that hash. */
  async registerS3(input: { projectId: string; name: string; kind: string; mapping?: unknown; uri: string; statsWindow?: string | null }, userId: string): Promise<Dataset> {
    const name = this.checkName(input.name);
    const d = this.describe(input.kind, input.mapping, input.statsWindow);
    const loc = parseS3Uri(input.uri);
    if (!loc || !loc.key) throw badInput('uri must be s3://bucket/key');
    if (!this.o.roots.containsS3(input.uri))
      throw badInput(`${input.uri} is outside the data roots (DATA_ROOTS); only objects under an s3:// data root can be registered`, [{ path: 'uri', message: 'outside the data roots' }]);
    if (!this.o.s3) throw badInput('this deployment has no S3 settings (S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)');
    if (await this.repo.byName(input.projectId, name)) throw badInput(`a dataset named "${name}" already exists in this project`);
    const client = this.o.s3();
    const head = await client.headObject(loc.bucket, loc.key).catch((e: Error) => {
      throw badInput(`cannot read ${input.uri}: ${e.message.replace(/^S3 HEAD \S+ failed: /, '')}`);
    });
    if (!head) throw badInput(`no object at ${input.uri}`);
    this.checkSize(head.size);
    const fileName = safeFileName(loc.key);
    const tmpId = randomUUID();
    const path = await this.staging.path(tmpId, fileName);
    try {
      const got = await client.downloadObject(loc.bucket, loc.key, path, this.o.maxBytes);
      const stats = await this.statsOf(d.kind, d.mapping, path, d.window, name, async () => {});
      return await this.repo.create({
        projectId: input.projectId,
        name,
        kind: d.kind,
        mapping: d.mapping,
        fileName,
        createdById: userId,
        content: { sha256: got.sha256, sizeBytes: got.sizeBytes, storeKey: null, location: input.uri, stats, statsWindow: d.window },
      });
    } catch (e) {
      if (isUnique(e)) throw badInput(`a dataset named "${name}" already exists in this project`);
      throw e;
    } finally {
      await this.staging.remove(tmpId);
    }
  }

  /** Deletes the row, its staging and (unless shared by another dataset of the project) its stored content. */
  async remove(d: Dataset): Promise<void> {
    const r = await this.repo.remove(d.id);
    await this.staging.remove(d.id);
    if (r?.orphanKey) await this.o.store.deletePrefix(r.orphanKey);
  }

  /**
   * Checks a run config's data.dataset against the project's datasets: it must exist there, be ready and hold the
   * config's source kind; a csv config without a mapping takes the dataset's.
   */
  async bindConfig(projectId: string, config: ExperimentConfig): Promise<ExperimentConfig> {
    const id = config.data.dataset;
    if (!id) return config;
    const d = await this.repo.inProject(projectId, id);
    if (!d) throw apiError('NOT_FOUND', `dataset ${id} not found`, { path: 'data.dataset' });
    if (d.status !== 'ready' || !d.sha256) throw badInput(`dataset "${d.name}" has no content to run on yet (${d.status === 'uploading' ? 'its upload is not complete' : 'a catalogue entry only'})`, [{ path: 'data.dataset', message: 'not ready' }]);
    if (d.kind !== config.data.source)
      throw badInput(`dataset "${d.name}" holds ${d.kind} data but data.source is ${config.data.source}`, [{ path: 'data.source', message: `must be ${d.kind} for this dataset` }]);
    if (d.kind === 'csv' && !config.data.csv) return { ...config, data: { ...config.data, csv: validated(() => parseConfig(csvMapping, d.mapping ?? {}, `dataset "${d.name}" mapping`)) } };
    return config;
  }

  /** Uploads abandoned for `maxAgeMs` and staging folders without a row: removed (at API start, then hourly). */
  async sweepAbandoned(maxAgeMs: number): Promise<number> {
    let n = 0;
    for (const d of await this.repo.staleUploads(new Date(Date.now() - maxAgeMs))) {
      await this.remove(d);
      n++;
    }
    const strays = await this.staging.strays(maxAgeMs, (ids) => this.repo.existingIds(ids));
    for (const id of strays) await this.staging.remove(id);
    if (n + strays.length) this.o.log?.(`datasets: removed ${n} abandoned upload(s) and ${strays.length} stray staging folder(s)`);
    return n + strays.length;
  }
}
