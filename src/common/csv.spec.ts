import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { csvCell } from './csv';

/** The cells a spreadsheet (or any RFC 4180 reader) gets back from one line of csvCell output. */
function readBack(cells: unknown[]): string[] {
  const records = parse(cells.map(csvCell).join(',') + '\r\n');
  expect(records).toHaveLength(1);
  return records[0];
}

describe('csvCell', () => {
  it('writes numbers and booleans as they are, negative and fractional ones included', () => {
    expect(csvCell(42)).toBe('42');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(12.5)).toBe('12.5');
    // A negative difference is a number a spreadsheet should compute with, not a formula.
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(-0.1)).toBe('-0.1');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(false)).toBe('false');
  });

  it('writes null and undefined as an empty cell, and keeps an empty string empty', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('leaves plain text alone, spaces and non-ASCII included', () => {
    expect(csvCell('SUBJ-001')).toBe('SUBJ-001');
    expect(csvCell('  left view ')).toBe('  left view ');
    expect(csvCell('Zoë’s 💻 scalp')).toBe('Zoë’s 💻 scalp');
    expect(csvCell("it's")).toBe("it's");
  });

  it('quotes a cell holding a comma, quote or line break, doubling the quotes', () => {
    expect(csvCell('week,8')).toBe('"week,8"');
    expect(csvCell('say "clearly"')).toBe('"say ""clearly"""');
    expect(csvCell('"')).toBe('""""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell('end\r')).toBe('"end\r"');
  });

  it('neutralises text a spreadsheet would run as a formula with a leading apostrophe', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('=cmd|calc')).toBe("'=cmd|calc");
    expect(csvCell('+1')).toBe("'+1");
    // A number that arrives as text is text: the apostrophe keeps a spreadsheet from evaluating it.
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(1)')).toBe("'@SUM(1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    // The carriage return also needs quotes; the apostrophe goes inside them.
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('=HYPERLINK("http://evil.test","x")')).toBe(
      '"\'=HYPERLINK(""http://evil.test"",""x"")"',
    );
  });

  it('only looks at the first character for formulas', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('1+1')).toBe('1+1');
    expect(csvCell('week-4')).toBe('week-4');
    expect(csvCell('me@salt.test')).toBe('me@salt.test');
  });

  it('writes objects and arrays as JSON, quoted as one cell', () => {
    expect(csvCell({ top: 10, note: 'x' })).toBe('"{""top"":10,""note"":""x""}"');
    expect(csvCell(['threshold', 'max-difference'])).toBe('"[""threshold"",""max-difference""]"');
    expect(csvCell([])).toBe('[]');
    expect(readBack([{ a: [1, 'b,"c"'] }])).toEqual(['{"a":[1,"b,\\"c\\""]}']);
  });

  it('reads back as the same cells, with a leading apostrophe only before a formula', () => {
    expect(readBack(['=1+2', 'week,8', null, -7, 'say "x"\r\nnext', 3.25])).toEqual([
      "'=1+2",
      'week,8',
      '',
      '-7',
      'say "x"\r\nnext',
      '3.25',
    ]);
    const tricky = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', '"', "'", ' ', 'a');
    const text = fc.oneof(fc.string({ unit: tricky, maxLength: 8 }), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(text, text, (first, second) => {
        const [a, b, end] = readBack([first, second, 'end']);
        const expected = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
        expect([a, b, end]).toEqual([expected(first), expected(second), 'end']);
        // What a spreadsheet sees never starts a formula.
        expect(a).not.toMatch(/^[=+\-@\t\r]/);
        expect(b).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { seed: 20260115, numRuns: 1000 },
    );
  });
});
