import { CROCKFORD_ALPHABET, newReadCode, READ_CODE_PATTERN } from './read-code';

describe('newReadCode', () => {
  it('is 8 Crockford base32 characters', () => {
    for (let i = 0; i < 200; i++) {
      const code = newReadCode();
      expect(code).toMatch(READ_CODE_PATTERN);
      expect(code).not.toMatch(/[ILOU]/);
    }
    expect(CROCKFORD_ALPHABET).toHaveLength(32);
  });

  it('is random: no repeats in 10 000 codes and every character appears', () => {
    const codes = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const code = newReadCode();
      codes.add(code);
      for (const c of code) seen.add(c);
    }
    expect(codes.size).toBe(10_000);
    expect(seen.size).toBe(32);
  });
});
