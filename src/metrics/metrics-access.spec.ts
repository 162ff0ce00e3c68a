import { bearerMatches } from './metrics-access';

const token = 'a'.repeat(40);

describe('bearerMatches', () => {
  it('accepts the token as a Bearer credential, whatever the scheme case', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer   ${token}`, token)).toBe(true);
  });

  it('refuses a missing, wrong, longer, shorter or differently sent token', () => {
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches('', token)).toBe(false);
    expect(bearerMatches(`Bearer ${'b'.repeat(40)}`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token.slice(1)}`, token)).toBe(false);
    expect(bearerMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerMatches(token, token)).toBe(false);
  });
});
