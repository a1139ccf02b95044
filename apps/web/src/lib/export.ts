// Tables leave the page as CSV or JSON: the same rows the page shows, built here so that the text can be tested.

export type Cell = string | number | boolean | null | undefined;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, or line break; a leading =+-@ is defused. */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  // A cell starting with = + - @ is a formula to spreadsheets (CSV injection); a leading quote keeps it text.
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text with a header row; `columns` are the keys of each row, in order. */
export function toCsv(columns: readonly { key: string; label?: string }[], rows: readonly Record<string, Cell>[]): string {
  const lines = [columns.map((c) => csvField(c.label ?? c.key)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c.key])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Starts a download of `text` as `filename` in the browser. */
export function downloadText(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name part from free text: letters, digits, dash and underscore only. */
export function fileSlug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'export'
  );
}
