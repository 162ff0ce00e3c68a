import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('uses argon2id with OWASP parameters, in PHC format', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    await expect(verifyPassword(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'correct horse battery stapler')).resolves.toBe(false);
  });

  it('keeps verifying hashes stored by the earlier library (node-argon2 0.45)', async () => {
    // Written by argon2@0.45.1 with the same options; its parameters come in m,p,t order.
    const stored =
      '$argon2id$v=19$m=19456,p=1,t=2$7naJy39B1PsRXe427YSaXA$SS4frP8RkEYfKlXrhr6EOomuaCv5jPswT6EW0wMfsb4';
    await expect(verifyPassword(stored, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifyPassword(stored, 'Correct horse battery staple')).resolves.toBe(false);
  });

  it('answers false, not an error, for a malformed stored hash', async () => {
    await expect(verifyPassword('not-a-phc-string', 'anything at all')).resolves.toBe(false);
  });
});
