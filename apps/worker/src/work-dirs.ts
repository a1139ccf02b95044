// The worker's local work folders (WORKER_DIR/runs/<id>).
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Removes `dir` and its subfolders where they hold no file (deepest first); a folder with a file stays. */
export async function removeEmptyDirs(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return true; // gone already
  }
  let empty = true;
  for (const e of entries) {
    if (e.isDirectory()) empty = (await removeEmptyDirs(join(dir, e.name))) && empty;
    else empty = false;
  }
  if (empty) await rmdir(dir).catch(() => (empty = false));
  return empty;
}
