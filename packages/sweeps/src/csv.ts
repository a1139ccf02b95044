// Tables as CSV (RFC 4180) that a spreadsheet opens without running anything: a text cell that starts with
// = + - @ TAB or CR (a formula to Excel, LibreOffice and Google Sheets: OWASP "CSV injection") gets a leading
// apostrophe. Numbers are written as numbers (a negative ΔNE stays a number); run names, tags and notes are text.

export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = v;
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header row plus one row per record, CRLF line ends (RFC 4180), a final line end. */
export function toCsv(columns: readonly string[], rows: readonly Cell[][]): string {
  const lines = [columns.map((c) => csvCell(c)).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  return lines.join('\r\n') + '\r\n';
}
