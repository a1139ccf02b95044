// The worker's side of registered datasets: a run's data.dataset id → the dataset row of the run's own project →
// its content, from the artifact store or the s3:// object it points at, through the cache by hash.
import type { ArtifactStore, DatasetRepository, S3Client } from '@driftprune/db';
import { DatasetCache, DatasetError } from './cache.js';
import { parseS3Uri, type DataRoots } from './data-roots.js';
import type { DatasetSource } from './run-data.js';

export class StoredDatasets implements DatasetSource {
  constructor(
    private readonly repo: DatasetRepository,
    private readonly store: ArtifactStore,
    private readonly cache: DatasetCache,
    private readonly roots: DataRoots,
    /** The S3 client for s3:// datasets (the deployment's S3_* settings); absent: such datasets fail. */
    private readonly s3: (() => S3Client) | null,
  ) {}

  async materialize(projectId: string, datasetId: string, signal?: AbortSignal) {
    const d = await this.repo.inProject(projectId, datasetId);
    if (!d) throw new DatasetError('DATASET_NOT_FOUND', `dataset ${datasetId} not found in this run's project (it may have been deleted)`);
    const label = `dataset '${d.name}'`;
    if (d.status !== 'ready' || !d.sha256 || d.sizeBytes === null || (!d.storeKey && !d.location?.startsWith('s3://')))
      throw new DatasetError('DATASET_NOT_READY', `${label} has no stored content yet (${d.status === 'uploading' ? 'its upload is not complete' : 'a catalogue entry only'})`);
    let fetch: (path: string) => Promise<{ sha256: string; sizeBytes: number }>;
    if (d.storeKey) {
      const key = d.storeKey;
      fetch = (path) => this.store.download(key, path);
    } else {
      const uri = d.location!;
      const loc = parseS3Uri(uri);
      if (!loc || !this.roots.containsS3(uri)) throw new DatasetError('DATASET_OUTSIDE_ROOTS', `${label} points outside this worker's data roots (DATA_ROOTS)`);
      if (!this.s3) throw new DatasetError('DATASET_OUTSIDE_ROOTS', `${label} is an s3:// object but this worker has no S3 settings`);
      const client = this.s3();
      const max = Number(d.sizeBytes);
      fetch = (path) => client.downloadObject(loc.bucket, loc.key, path, max);
    }
    const hold = await this.cache.acquire({ sha256: d.sha256, sizeBytes: Number(d.sizeBytes), fileName: d.fileName ?? 'data', label, fetch }, signal);
    return { path: hold.path, label, release: hold.release };
  }
}
