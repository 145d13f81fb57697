import { describe, expect, it } from '@jest/globals';
import { csvCell, csvChunks, csvDocument, csvRow, csvText, parseCsv } from './csv.js';

describe('csv cells', () => {
  it('leaves plain text alone', () => {
    expect(csvText('Nous sommes en grève')).toBe('Nous sommes en grève');
    expect(csvText('')).toBe('');
  });

  it('quotes fields holding a comma, a quote, CR or LF, and doubles the quotes', () => {
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('line\nbreak')).toBe('"line\nbreak"');
    expect(csvText('cr\rhere')).toBe('"cr\rhere"');
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+33 6 12', "'+33 6 12"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a text cell beginning with a formula character: %j', (input, expected) => {
    expect(csvText(input)).toBe(expected);
  });

  it('writes numbers as numbers, dates in ISO 8601 UTC, nothing for null', () => {
    expect(csvCell(42)).toBe('42');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(2.5)).toBe('2.5');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(Number.POSITIVE_INFINITY)).toBe('');
    expect(csvCell(new Date('2026-12-05T09:00:00+01:00'))).toBe('2026-12-05T08:00:00.000Z');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    // A number typed as text is text: neutralised like any other.
    expect(csvCell('-3')).toBe("'-3");
  });

  it('ends each record with CRLF', () => {
    expect(csvRow(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
  });
});

describe('csv documents', () => {
  const hostile = ['=1+1', 'a "quoted", multi-line\r\ntext', '@x', '', 'plain'];

  it('round-trips through a parser, with the neutralising quote the only change', () => {
    const doc = csvDocument(['n', 'text'], hostile.map((t, i) => [i, t]));
    expect(doc.startsWith('\uFEFFn,text\r\n')).toBe(true);
    expect(parseCsv(doc)).toEqual([['n', 'text'], ['0', "'=1+1"], ['1', 'a "quoted", multi-line\r\ntext'], ['2', "'@x"], ['3', ''], ['4', 'plain']]);
  });

  it('streams the same bytes page by page', async () => {
    async function* pages() {
      yield hostile.slice(0, 2).map((t, i) => [i, t]);
      yield [];
      yield hostile.slice(2).map((t, i) => [i + 2, t]);
    }
    let streamed = '';
    for await (const chunk of csvChunks(['n', 'text'], pages())) streamed += chunk;
    expect(streamed).toBe(csvDocument(['n', 'text'], hostile.map((t, i) => [i, t])));
  });

  it('handles 50,000 rows (bench/report.ts times it)', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => [i, `comment ${i}, with "quotes"\nand a line`, new Date(0)]);
    const parsed = parseCsv(csvDocument(['n', 'text', 'at'], rows));
    expect(parsed).toHaveLength(50_001);
    expect(parsed[50_000]).toEqual(['49999', 'comment 49999, with "quotes"\nand a line', '1970-01-01T00:00:00.000Z']);
  });
});
