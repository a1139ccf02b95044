// Dataset rows: a catalogue entry, an upload in progress, or content in the store (or at an s3:// object) that runs
// reference by id. Every read is scoped to a project: a dataset id from another project is "not found".
import type { Dataset, PrismaClient } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';

/** Store key of a project's dataset content: content-addressed, so that two names of the same bytes share one object. */
export function datasetStoreKey(projectId: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return `projects/${projectId}/datasets/${sha256}`;
}

export interface DatasetContent {
  sha256: string;
  sizeBytes: number;
  /** Set for uploaded content; null for an s3:// pointer (then `location` holds the URI). */
  storeKey: string | null;
  location?: string | null;
  stats: unknown;
  statsWindow: string;
}

export interface NewDataset {
  projectId: string;
  name: string;
  kind: string;
  mapping: unknown;
  fileName: string | null;
  createdById: string | null;
}

const json = (v: unknown) => (v == null ? Prisma.DbNull : (v as Prisma.InputJsonValue));

export class DatasetRepository {
  constructor(private readonly db: PrismaClient) {}

  /** The dataset when it belongs to the project, else null (ids of other projects are indistinguishable from none). */
  async inProject(projectId: string, id: string): Promise<Dataset | null> {
    const d = await this.db.dataset.findUnique({ where: { id } });
    return d && d.projectId === projectId ? d : null;
  }

  byId(id: string): Promise<Dataset | null> {
    return this.db.dataset.findUnique({ where: { id } });
  }

  list(projectId: string): Promise<Dataset[]> {
    return this.db.dataset.findMany({ where: { projectId }, orderBy: { createdAt: 'desc' } });
  }

  byName(projectId: string, name: string): Promise<Dataset | null> {
    return this.db.dataset.findUnique({ where: { projectId_name: { projectId, name } } });
  }

  /** A catalogue entry or a ready s3:// dataset, in one insert (the unique name makes a second one fail, P2002). */
  create(d: NewDataset & { location?: string | null; content?: DatasetContent }): Promise<Dataset> {
    const c = d.content;
    return this.db.dataset.create({
      data: {
        projectId: d.projectId,
        name: d.name,
        kind: d.kind,
        mapping: json(d.mapping),
        fileName: d.fileName,
        createdById: d.createdById,
        location: c?.location ?? d.location ?? null,
        status: 'ready',
        ...(c ? { sha256: c.sha256, sizeBytes: BigInt(c.sizeBytes), storeKey: c.storeKey, stats: json(c.stats), statsWindow: c.statsWindow } : {}),
      },
    });
  }

  /** A catalogue entry given through the API (createDataset): a location or options, and stats if known. */
  createEntry(d: { projectId: string; name: string; kind: string; location: string | null; mapping: unknown; stats: unknown }): Promise<Dataset> {
    return this.db.dataset.create({ data: { projectId: d.projectId, name: d.name, kind: d.kind, location: d.location, mapping: json(d.mapping), stats: json(d.stats) } });
  }

  /** How many datasets of the project share the content at `storeKey`. */
  countWithStoreKey(projectId: string, storeKey: string): Promise<number> {
    return this.db.dataset.count({ where: { projectId, storeKey } });
  }

  /** Those of `ids` that are datasets. */
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    return new Set((await this.db.dataset.findMany({ where: { id: { in: [...ids] } }, select: { id: true } })).map((r) => r.id));
  }

  /** An upload that will deliver `sizeBytes` bytes hashing to `sha256`. */
  beginUpload(d: NewDataset & { sha256: string; sizeBytes: number; statsWindow: string }): Promise<Dataset> {
    return this.db.dataset.create({
      data: {
        projectId: d.projectId,
        name: d.name,
        kind: d.kind,
        mapping: json(d.mapping),
        fileName: d.fileName,
        createdById: d.createdById,
        status: 'uploading',
        sha256: d.sha256,
        sizeBytes: BigInt(d.sizeBytes),
        statsWindow: d.statsWindow,
      },
    });
  }

  /** The upload's bytes are in the store: the dataset becomes usable. Only an upload in progress changes. */
  async completeUpload(id: string, c: { storeKey: string; stats: unknown }): Promise<Dataset | null> {
    const r = await this.db.dataset.updateMany({ where: { id, status: 'uploading' }, data: { status: 'ready', storeKey: c.storeKey, stats: json(c.stats) } });
    return r.count ? this.byId(id) : null;
  }

  /** Uploads with no progress since `before` (abandoned): their rows, for the caller to remove with their staging. */
  staleUploads(before: Date): Promise<Dataset[]> {
    return this.db.dataset.findMany({ where: { status: 'uploading', updatedAt: { lt: before } } });
  }

  /** Records upload progress (keeps an active upload from counting as abandoned). */
  async touch(id: string): Promise<void> {
    await this.db.dataset.updateMany({ where: { id, status: 'uploading' }, data: { updatedAt: new Date() } });
  }

  /**
   * Deletes the row; returns the store key to delete with it, or null when none is left to delete (no content, or
   * another dataset of the project holds the same bytes).
   */
  async remove(id: string): Promise<{ dataset: Dataset; orphanKey: string | null } | null> {
    return this.db.$transaction(async (tx) => {
      const d = await tx.dataset.findUnique({ where: { id } });
      if (!d) return null;
      await tx.dataset.delete({ where: { id } });
      if (!d.storeKey) return { dataset: d, orphanKey: null };
      const sharing = await tx.dataset.count({ where: { projectId: d.projectId, storeKey: d.storeKey } });
      return { dataset: d, orphanKey: sharing ? null : d.storeKey };
    });
  }

  /** Store keys of every dataset with content (the fleet test and audits compare them with the store's objects). */
  async storeKeys(): Promise<Set<string>> {
    const rows = await this.db.dataset.findMany({ where: { storeKey: { not: null } }, select: { storeKey: true } });
    return new Set(rows.map((r) => r.storeKey!));
  }
}
