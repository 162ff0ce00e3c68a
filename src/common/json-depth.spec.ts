import { jsonDepthExceeds } from './json-depth';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('jsonDepthExceeds', () => {
  it('counts nesting of objects and arrays together', () => {
    expect(jsonDepthExceeds(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes('[]'), 0)).toBe(true);
    expect(jsonDepthExceeds(bytes('1'), 0)).toBe(false);
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    expect(jsonDepthExceeds(bytes('{"a":"[[[[{{{{"}'), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"a":"\\"[[[["}'), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"a":"\\\\","b":[[1]]}'), 2)).toBe(true);
    expect(jsonDepthExceeds(bytes('{"é[":"ü{","b":1}'), 1)).toBe(false);
  });

  it('handles siblings without adding up their depth', () => {
    expect(jsonDepthExceeds(bytes(`[${'[1],'.repeat(10_000)}[1]]`), 2)).toBe(false);
    expect(jsonDepthExceeds(bytes(`${'['.repeat(50_000)}${']'.repeat(50_000)}`), 32)).toBe(true);
  });
});
