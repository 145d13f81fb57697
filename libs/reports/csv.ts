/**
 * CSV as RFC 4180 writes it (CRLF line ends; a field holding a comma, a double quote, CR or LF is
 * quoted, its quotes doubled), made safe to open in a spreadsheet: a text cell that begins with
 * `=`, `+`, `-`, `@`, a tab or CR would be read as a formula, so it gets a leading `'`.
 *
 * Cells are typed: numbers are written as numbers (only finite ones: a spreadsheet reads them as
 * values, never as formulas), dates as ISO 8601 UTC, null and undefined as an empty field, and
 * everything else as neutralised text.
 */

export type Cell = string | number | Date | null | undefined;

/** Excel opens UTF-8 correctly (accents in French text) only with a byte order mark. */
export const CSV_BOM = '\uFEFF';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A text cell, neutralised then escaped. */
export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString();
  return csvText(cell);
}

/** One record, with its CRLF. */
export const csvRow = (cells: readonly Cell[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** A whole file in memory: for small tables. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const parts = [CSV_BOM, csvRow(header)];
  for (const row of rows) parts.push(csvRow(row));
  return parts.join('');
}

/**
 * A file as a stream of chunks, one per page of rows: memory stays at one page whatever the size.
 * Feed it to `Readable.from` (which waits for the reader between chunks).
 */
export async function* csvChunks(header: readonly string[], pages: AsyncIterable<readonly (readonly Cell[])[]>): AsyncGenerator<string> {
  yield CSV_BOM + csvRow(header);
  for await (const page of pages) {
    if (page.length > 0) yield page.map(csvRow).join('');
  }
}

/**
 * Reads CSV back (RFC 4180, with the BOM tolerated): for tests and for anyone checking a
 * download. Returns records as arrays of strings.
 */
export function parseCsv(text: string): string[][] {
  const s = text.startsWith(CSV_BOM) ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && s[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}
