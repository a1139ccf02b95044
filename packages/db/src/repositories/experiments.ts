// Experiment rows: a named config of a project that runs and sweeps are submitted from.
import type { Experiment } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { DbClient } from '../client.js';

export function experimentById(db: DbClient, id: string): Promise<Experiment | null> {
  return db.experiment.findUnique({ where: { id } });
}

export function experimentByName(db: DbClient, projectId: string, name: string): Promise<Experiment | null> {
  return db.experiment.findFirst({ where: { projectId, name } });
}

export interface NewExperiment {
  projectId: string;
  name: string;
  description?: string | null;
  /** The validated experiment config (stored as JSON). */
  config: unknown;
  paradigm: string;
  datasetId?: string | null;
  createdById?: string | null;
}

export function createExperiment(db: DbClient, e: NewExperiment): Promise<Experiment> {
  return db.experiment.create({ data: { ...e, config: e.config as Prisma.InputJsonValue } });
}

/** Sets the given fields (an undefined one, or an empty name, is left as it is). */
export function annotateExperiment(db: DbClient, id: string, a: { name?: string | null; description?: string | null; tags?: string[] }): Promise<Experiment> {
  return db.experiment.update({
    where: { id },
    data: { ...(a.name ? { name: a.name } : {}), ...(a.description !== undefined ? { description: a.description } : {}), ...(a.tags ? { tags: a.tags } : {}) },
  });
}

export async function deleteExperimentRow(db: DbClient, id: string): Promise<void> {
  await db.experiment.delete({ where: { id } });
}
