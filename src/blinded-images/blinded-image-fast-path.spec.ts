import { sessionCookie } from './blinded-image-fast-path';

describe('sessionCookie', () => {
  it('reads salt_session among other cookies, the first one when there are two', () => {
    expect(sessionCookie('salt_session=ses_abc')).toBe('ses_abc');
    expect(sessionCookie('theme=dark; salt_session=ses_abc; lang=de')).toBe('ses_abc');
    expect(sessionCookie('a=1;salt_session=ses_abc ;b=2')).toBe('ses_abc');
    expect(sessionCookie('salt_session=ses_one; salt_session=ses_two')).toBe('ses_one');
  });

  it('finds none in a cookie whose name only ends in salt_session, or without cookies', () => {
    expect(sessionCookie('xsalt_session=ses_abc')).toBeUndefined();
    expect(sessionCookie('other=salt_session=ses_abc')).toBeUndefined();
    expect(sessionCookie('')).toBeUndefined();
    expect(sessionCookie(undefined)).toBeUndefined();
  });
});
