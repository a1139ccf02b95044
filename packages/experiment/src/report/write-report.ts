// report.html next to a run's other files, written by the runner at the end of every run (CLI and worker alike).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportHtml, type ReportInput } from './report-html.js';

/** Writes OUT_DIR/report.html and returns its path. */
export async function writeReport(outDir: string, input: ReportInput): Promise<string> {
  const path = join(outDir, 'report.html');
  await writeFile(path, reportHtml(input));
  return path;
}
