import type { Curve } from './repositories/load-curve-repository.ts';

// RFC 4180 CSV: comma-separated, CRLF line ends, a header row; fields quoted only when they
// contain a comma, quote or line break. Empty field = no value (never 0, domain.md §6: gaps stay
// empty). Cells that a spreadsheet would run as a formula (=, +, -, @ at the start of text) are
// prefixed with ' (OWASP CSV injection); numbers are written as numbers.

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function curveCsv(curve: Curve): string {
  return toCsv(curve.columns, curve.points);
}
