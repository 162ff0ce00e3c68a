import { passwordRequired } from './signature';

describe('passwordRequired', () => {
  const verifiedAt = new Date('2026-01-01T00:00:00Z');

  it('asks at the first signing of a session and not after, unless the study asks every time', () => {
    expect(passwordRequired({ via: 'session', verifiedAt: null, everySigning: false })).toBe(true);
    expect(passwordRequired({ via: 'session', verifiedAt, everySigning: false })).toBe(false);
    expect(passwordRequired({ via: 'session', verifiedAt, everySigning: true })).toBe(true);
  });

  it('asks an API token every time: it is not a continuous session a person controls', () => {
    expect(passwordRequired({ via: 'token', verifiedAt, everySigning: false })).toBe(true);
  });
});
