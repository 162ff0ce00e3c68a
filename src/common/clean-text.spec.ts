import { printable, textProblems } from './clean-text';

describe('textProblems', () => {
  it('names each field holding a NUL or a lone surrogate, by its path', () => {
    expect(
      textProblems({
        name: 'ok',
        title: 'a\u0000b',
        settings: { labels: ['fine', 'x\ud800'] },
      }).map((problem) => problem.message),
    ).toEqual([
      'settings.labels[1] must be valid Unicode text (it holds a lone surrogate)',
      'title must not contain NUL characters',
    ]);
  });

  it('accepts surrogate pairs and ordinary control-free text', () => {
    expect(textProblems({ name: 'laptop 💻', note: 'Ünïcödé\ttab' })).toEqual([]);
  });

  it('names a bare parameter by the name it was given, and checks property names', () => {
    expect(textProblems('abc\u0000', 'id').map((p) => p.field)).toEqual(['id']);
    expect(textProblems({ ['k\udc00']: 1 }).map((p) => p.field)).toEqual(['a property name']);
  });

  it('skips file bytes and walks very deep values without recursion', () => {
    expect(textProblems({ file: { buffer: Buffer.from([0, 0xd8]) } })).toEqual([]);
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(textProblems(deep)).toHaveLength(1);
  });
});

describe('printable', () => {
  it('writes NUL, control characters and lone surrogates as visible escapes', () => {
    expect(printable('S\u00001')).toBe('S\\u00001');
    expect(printable('a\u0001b\u001fc\u007f')).toBe('a\\u0001b\\u001fc\\u007f');
    expect(printable('x\ud800y')).toBe('x\\ud800y');
  });

  it('keeps ordinary text, tabs, newlines and real astral characters', () => {
    expect(printable('Visit 2\tbaseline\nok — 😀')).toBe('Visit 2\tbaseline\nok — 😀');
  });
});
