// What a failed write means, without the caller knowing Prisma's error classes and codes.
import { Prisma } from '../generated/prisma/client.js';

/** A unique constraint refused the write (a taken slug, a dataset name used twice in a project): P2002. */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
}

/** The row a write references does not exist (an artifact of a deleted run): P2003. */
export function isMissingReference(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2003';
}

/** The row to update or delete does not exist (deleted meanwhile): P2025. */
export function isRowNotFound(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2025';
}
