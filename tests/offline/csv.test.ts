/** Reading the shop's CSV: delimiters, quotes, byte-order mark, line endings, row numbers. */
import { describe, expect, it } from 'vitest';
import { csvField, csvLine, CsvError, detectDelimiter, parseCsv } from '../../src/offline/csv';

describe('parseCsv', () => {
  it('reads a comma-separated file with a header row, numbering rows as a spreadsheet does', () => {
    const t = parseCsv('time,value\n2026-03-01 10:00,100\n2026-03-02 11:00,200\n');
    expect(t.delimiter).toBe(',');
    expect(t.header).toEqual(['time', 'value']);
    expect(t.records).toEqual([
      { row: 2, fields: ['2026-03-01 10:00', '100'] },
      { row: 3, fields: ['2026-03-02 11:00', '200'] },
    ]);
  });

  it('detects semicolons (European Excel) and tabs from the header row', () => {
    expect(parseCsv('time;value;email\n2026-03-01 10:00;1,5;a@b.no').records[0]!.fields).toEqual(['2026-03-01 10:00', '1,5', 'a@b.no']);
    expect(parseCsv('time\tvalue\nx\ty').delimiter).toBe('\t');
    expect(detectDelimiter('"a;b;c",d,e\n')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
  });

  it('drops the byte-order mark Excel writes', () => {
    expect(parseCsv('\uFEFFtime,value\nx,1').header).toEqual(['time', 'value']);
  });

  it('reads quoted fields: commas, doubled quotes, line breaks, spaces before the quote', () => {
    const t = parseCsv('a,b,c\n"1,5","say ""hi""","two\nlines"\nx, "quoted",y\n');
    expect(t.records[0]).toEqual({ row: 2, fields: ['1,5', 'say "hi"', 'two\nlines'] });
    expect(t.records[1]).toEqual({ row: 3, fields: ['x', 'quoted', 'y'] });
  });

  it('takes CRLF and CR line ends, and a last row without a line end', () => {
    expect(parseCsv('a,b\r\n1,2\r\n3,4').records.map((r) => r.fields)).toEqual([['1', '2'], ['3', '4']]);
    expect(parseCsv('a,b\r1,2\r').records.map((r) => r.fields)).toEqual([['1', '2']]);
  });

  it('skips blank lines but counts them, so row numbers match the spreadsheet', () => {
    const t = parseCsv('a,b\n\n1,2\n   \n3,4\n\n');
    expect(t.records).toEqual([{ row: 3, fields: ['1', '2'] }, { row: 5, fields: ['3', '4'] }]);
  });

  it('keeps empty fields, and a quote inside an unquoted field as a character', () => {
    expect(parseCsv('a,b,c\n,,x\n5" tall,y,z').records.map((r) => r.fields)).toEqual([['', '', 'x'], ['5" tall', 'y', 'z']]);
  });

  it('refuses a quote that is never closed, naming its row', () => {
    expect(() => parseCsv('a,b\n1,2\n"3,4\n5,6\n')).toThrow(CsvError);
    try { parseCsv('a,b\n1,2\n"3,4\n5,6\n'); } catch (e) { expect((e as CsvError).row).toBe(3); expect((e as Error).message).toMatch(/row 3 opens a quote/); }
  });

  it('an empty file has no header', () => {
    expect(parseCsv('')).toEqual({ header: [], records: [], delimiter: ',' });
  });
});

describe('writing CSV', () => {
  it('quotes only what needs it', () => {
    expect(csvField('Phone order')).toBe('Phone order');
    expect(csvField('Phone, web')).toBe('"Phone, web"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' edge')).toBe('" edge"');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvLine(['a', 'b,c', 1])).toBe('a,"b,c",1\n');
  });
});
